import type { CreateResourceInput, UpdateResourceInput } from '../admin/resources/schema.js';
import { createResource, deleteResource, linkedClientIds, updateResource } from '../admin/resources/service.js';
import { parseDuration } from '../config.js';
import type { Resource } from '../storage/types.js';
import { defineCommand, jsonOption, type OptionSpec } from './command.js';
import { parseSeconds, splitList, table, UsageError, type CliContext } from './context.js';

/** An API as the CLI prints it, with the ids of its resource-server clients. */
function describeResource(resource: Resource, clientIds: string[]) {
  return {
    id: resource.id,
    identifier: resource.identifier,
    name: resource.name,
    scopes: resource.scopes,
    token_format: resource.tokenFormat,
    access_token_ttl: resource.accessTokenTtl,
    signing_alg: resource.signingAlg,
    default: resource.isDefault,
    client_ids: clientIds,
    created_at: new Date(resource.createdAt).toISOString(),
    updated_at: new Date(resource.updatedAt).toISOString(),
  };
}

async function print(ctx: CliContext, verb: string, resource: Resource, json: boolean | undefined) {
  if (json) ctx.out(JSON.stringify(describeResource(resource, await linkedClientIds(ctx.storage, resource.id)), null, 2));
  else ctx.out(`${verb} API ${resource.name}: ${resource.identifier} (${resource.tokenFormat} tokens${resource.isDefault ? ', the default API' : ''})`);
}

/** The API an IDENTIFIER argument names. */
async function named(ctx: CliContext, identifier: string): Promise<Resource> {
  const resource = await ctx.storage.resources.getByIdentifier(identifier);
  if (!resource) throw new UsageError(`no API has the identifier ${identifier} (see resources list)`);
  return resource;
}

function tokenFormatOf(value: string | undefined): CreateResourceInput['tokenFormat'] {
  if (value !== undefined && value !== 'opaque' && value !== 'jwt') throw new UsageError(`--token-format must be opaque or jwt (got "${value}")`);
  return value;
}

/** `--access-token-ttl`: a duration, or (when changing an API) `default` for the server's default. */
function ttlOf(value: string | undefined, allowDefault: boolean): number | null | undefined {
  if (value === undefined) return undefined;
  if (allowDefault && value === 'default') return null;
  return parseSeconds('access-token-ttl', value, parseDuration);
}

const identifierArgument = {
  name: 'IDENTIFIER',
  description: 'The API to change, by its identifier (see resources list): https://api.example.test.',
};

/** What an API is, as `resources create` and `resources update` both take it. */
const resourceOptions = {
  identifier: {
    type: 'string', value: 'URI',
    description: 'The API\'s identifier: the resource value clients send (RFC 8707) and its tokens\' aud. An absolute https URI '
      + '(http only for localhost and loopback addresses) without a fragment.',
  },
  name: { type: 'string', value: 'NAME', description: 'The name administrators see in lists and on the console.' },
  scopes: {
    type: 'string', value: 'LIST',
    description: 'Scopes the API accepts, separated by spaces or commas ("read write"). Scopes that do not exist yet are created.',
  },
  'token-format': {
    type: 'string', value: 'FORMAT', field: 'tokenFormat',
    description: 'opaque: the API checks tokens by introspection; jwt: an RFC 9068 JWT the API can check itself.',
  },
  'access-token-ttl': {
    type: 'string', value: 'DURATION', field: 'accessTokenTtl',
    description: 'Lifetime of the access tokens for this API (3600, 15m, 1h).',
  },
  'signing-alg': { type: 'string', value: 'ALG', field: 'signingAlg', description: 'How its JWT access tokens are signed: ES256 or RS256.' },
  default: {
    type: 'boolean', field: 'isDefault',
    description: 'Make it the default API: the one a token is for when a request names none. At most one API is the default, so this unsets the others.',
  },
} as const satisfies Record<string, OptionSpec>;

const resourcesCreate = defineCommand({
  name: 'resources create',
  summary: 'Register an API (a resource server) that clients may ask tokens for.',
  description: [
    'Registers an API: the resource server a token is for (RFC 8707), with the scopes it accepts and the format of its access tokens. '
      + 'Scopes it names that do not exist are created.',
    'Clients may ask for any API unless restricted (clients create --allowed-resources); a resource-server client is linked to it with clients create --resource.',
  ],
  options: {
    ...resourceOptions,
    identifier: { ...resourceOptions.identifier, required: true },
    name: { ...resourceOptions.name, required: true },
    scopes: { ...resourceOptions.scopes, description: `${resourceOptions.scopes.description} Default none.` },
    'token-format': { ...resourceOptions['token-format'], description: `${resourceOptions['token-format'].description} Default opaque.` },
    'access-token-ttl': {
      ...resourceOptions['access-token-ttl'],
      description: `${resourceOptions['access-token-ttl'].description} Default: the server's default for the token format.`,
    },
    'signing-alg': { ...resourceOptions['signing-alg'], description: `${resourceOptions['signing-alg'].description} Default ES256.` },
    json: { ...jsonOption, description: 'Print the API as JSON: id, identifier, name, scopes, token_format, access_token_ttl, signing_alg, default, client_ids and times.' },
  },
  examples: [
    'resources create --identifier https://api.example.test --name "Example API" --scopes "read write" --token-format jwt --access-token-ttl 5m --json',
    'resources create --identifier http://localhost:8080/mcp --name "Local MCP" --default',
  ],
  async run(ctx, values) {
    const input: CreateResourceInput = {
      identifier: values.identifier ?? '',
      name: values.name ?? '',
      scopes: splitList(values.scopes),
      tokenFormat: tokenFormatOf(values['token-format']),
      accessTokenTtl: ttlOf(values['access-token-ttl'], false),
      signingAlg: values['signing-alg'] as CreateResourceInput['signingAlg'],
      isDefault: values.default ?? false,
    };
    await print(ctx, 'Created', await createResource(ctx.storage, input, ctx.actor, { serverProfile: ctx.config.securityProfile }), values.json);
  },
});

const resourcesList = defineCommand({
  name: 'resources list',
  summary: 'List APIs with their format, scopes and which is the default.',
  description: ['Lists every API by name, as a table or JSON (with the resource-server clients linked to each).'],
  options: {
    search: { type: 'string', value: 'TEXT', description: 'Only APIs whose name or identifier contains this text (any case).' },
    json: jsonOption,
  },
  async run(ctx, values) {
    const resources: Resource[] = [];
    let cursor: string | undefined;
    do {
      const page = await ctx.storage.resources.list({ search: values.search?.trim() || undefined, limit: 200, cursor });
      resources.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    if (values.json) {
      const linked = await ctx.storage.clients.resourceServerIds(resources.map((resource) => resource.id));
      ctx.out(JSON.stringify(resources.map((resource) => describeResource(resource, linked.get(resource.id) ?? [])), null, 2));
      return;
    }
    if (resources.length === 0) {
      ctx.out('No APIs.');
      return;
    }
    ctx.out(table(['IDENTIFIER', 'NAME', 'FORMAT', 'SCOPES', 'DEFAULT'],
      resources.map((r) => [r.identifier, r.name, r.tokenFormat, r.scopes.join(' '), r.isDefault ? 'yes' : ''])));
  },
});

const resourcesUpdate = defineCommand({
  name: 'resources update',
  summary: 'Change an API: only what is given changes.',
  description: [
    'Changes the options given and leaves the rest as it is; --scopes replaces the whole list (scopes it names that do not exist are created).',
  ],
  arguments: [identifierArgument],
  options: {
    ...resourceOptions,
    identifier: { ...resourceOptions.identifier, description: `A new identifier for the API. ${resourceOptions.identifier.description}` },
    scopes: { ...resourceOptions.scopes, description: `${resourceOptions.scopes.description} The list replaces the one the API had.` },
    'access-token-ttl': { ...resourceOptions['access-token-ttl'], description: 'Lifetime of the access tokens for this API (3600, 15m, 1h), or default for the server\'s default.' },
    'not-default': { type: 'boolean', description: 'Stop it being the default API.' },
    json: { ...jsonOption, description: 'Print the API as JSON, as resources create does.' },
  },
  examples: [
    'resources update https://api.example.test --scopes "read write admin:read" --default',
    'resources update https://api.example.test --access-token-ttl default --not-default',
  ],
  async run(ctx, values, [identifier]) {
    if (values.default && values['not-default']) throw new UsageError('--default and --not-default contradict each other: give one');
    const changes: UpdateResourceInput = {
      ...(values.identifier !== undefined && { identifier: values.identifier }),
      ...(values.name !== undefined && { name: values.name }),
      ...(values.scopes !== undefined && { scopes: splitList(values.scopes) }),
      ...(values['token-format'] !== undefined && { tokenFormat: tokenFormatOf(values['token-format']) }),
      ...(values['access-token-ttl'] !== undefined && { accessTokenTtl: ttlOf(values['access-token-ttl'], true) }),
      ...(values['signing-alg'] !== undefined && { signingAlg: values['signing-alg'] as UpdateResourceInput['signingAlg'] }),
      ...(values.default && { isDefault: true }),
      ...(values['not-default'] && { isDefault: false }),
    };
    if (Object.keys(changes).length === 0) throw new UsageError('resources update needs something to change, such as --name or --scopes');
    const resource = await named(ctx, identifier!);
    await print(ctx, 'Updated', await updateResource(ctx.storage, resource.id, changes, ctx.actor, { serverProfile: ctx.config.securityProfile }), values.json);
  },
});

const resourcesDelete = defineCommand({
  name: 'resources delete',
  summary: 'Delete an API (refused while a resource-server client is linked to it).',
  description: [
    'Deletes the API. It is refused while an active resource-server client is linked to it: unlink that client first '
      + '(clients update CLIENT_ID --resource none) or revoke it.',
  ],
  arguments: [{ ...identifierArgument, description: 'The API to delete, by its identifier (see resources list).' }],
  options: { json: jsonOption },
  examples: ['resources delete https://api.example.test'],
  async run(ctx, values, [identifier]) {
    const resource = await named(ctx, identifier!);
    await deleteResource(ctx.storage, resource.id, ctx.actor);
    if (values.json) ctx.out(JSON.stringify({ id: resource.id, identifier: resource.identifier, deleted: true }));
    else ctx.out(`Deleted API ${resource.name}: ${resource.identifier}`);
  },
});

export const resourcesCommands = [resourcesCreate, resourcesList, resourcesUpdate, resourcesDelete];
