import type { CreateResourceInput, UpdateResourceInput } from '../admin/resources/schema.js';
import { createResource, deleteResource, linkedClientIds, updateResource } from '../admin/resources/service.js';
import { parseDuration } from '../config.js';
import type { Resource, Stores } from '../storage/types.js';
import { parseSeconds, splitList, table, UsageError, type CliContext } from './context.js';

/** An API as the CLI prints it. */
async function describeResource(stores: Pick<Stores, 'clients'>, resource: Resource) {
  return {
    id: resource.id,
    identifier: resource.identifier,
    name: resource.name,
    scopes: resource.scopes,
    token_format: resource.tokenFormat,
    access_token_ttl: resource.accessTokenTtl,
    signing_alg: resource.signingAlg,
    default: resource.isDefault,
    client_ids: await linkedClientIds(stores, resource.id),
    created_at: new Date(resource.createdAt).toISOString(),
    updated_at: new Date(resource.updatedAt).toISOString(),
  };
}

async function print(ctx: CliContext, verb: string, resource: Resource, json: boolean | undefined) {
  if (json) ctx.out(JSON.stringify(await describeResource(ctx.storage, resource), null, 2));
  else ctx.out(`${verb} API ${resource.name}: ${resource.identifier} (${resource.tokenFormat} tokens${resource.isDefault ? ', the default API' : ''})`);
}

/** The API a positional argument names, by identifier (or by id). */
async function named(ctx: CliContext, command: string, positionals: string[]): Promise<Resource> {
  if (positionals.length !== 1) throw new UsageError(`resources ${command} takes one API identifier, for example: resources ${command} https://api.example.test`);
  const resource = await ctx.storage.resources.getByIdentifier(positionals[0]!);
  if (!resource) throw new UsageError(`no API has the identifier ${positionals[0]} (see resources list)`);
  return resource;
}

const TOKEN_FORMAT = (value: string | undefined) => {
  if (value !== undefined && value !== 'opaque' && value !== 'jwt') throw new UsageError(`--token-format must be opaque or jwt (got "${value}")`);
  return value;
};

function ttlOf(value: string | undefined, allowDefault: boolean): number | null | undefined {
  if (value === undefined) return undefined;
  if (allowDefault && value === 'default') return null;
  return parseSeconds('access-token-ttl', value, parseDuration);
}

export const resourcesCreateOptions = {
  identifier: { type: 'string' },
  name: { type: 'string' },
  scopes: { type: 'string' },
  'token-format': { type: 'string' },
  'access-token-ttl': { type: 'string' },
  'signing-alg': { type: 'string' },
  default: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

type Values<T> = { [K in keyof T]?: T[K] extends { type: 'boolean' } ? boolean : string };

/** `resources create --identifier URI --name N`: registers an API; scopes it names that do not exist are created. */
export async function resourcesCreateCommand(ctx: CliContext, values: Values<typeof resourcesCreateOptions>) {
  const input: CreateResourceInput = {
    identifier: values.identifier ?? '',
    name: values.name ?? '',
    scopes: splitList(values.scopes),
    tokenFormat: TOKEN_FORMAT(values['token-format']) as CreateResourceInput['tokenFormat'],
    accessTokenTtl: ttlOf(values['access-token-ttl'], false),
    signingAlg: values['signing-alg'] as CreateResourceInput['signingAlg'],
    isDefault: values.default ?? false,
  };
  await print(ctx, 'Created', await createResource(ctx.storage, input, ctx.actor), values.json);
}

export const resourcesUpdateOptions = {
  ...resourcesCreateOptions,
  'not-default': { type: 'boolean' },
} as const;

/** `resources update IDENTIFIER [--name N] …`: changes what is given; `--access-token-ttl default` goes back to the server default. */
export async function resourcesUpdateCommand(ctx: CliContext, positionals: string[], values: Values<typeof resourcesUpdateOptions>) {
  if (values.default && values['not-default']) throw new UsageError('--default and --not-default contradict each other: give one');
  const resource = await named(ctx, 'update', positionals);
  const changes: UpdateResourceInput = {
    ...(values.identifier !== undefined && { identifier: values.identifier }),
    ...(values.name !== undefined && { name: values.name }),
    ...(values.scopes !== undefined && { scopes: splitList(values.scopes) }),
    ...(values['token-format'] !== undefined && { tokenFormat: TOKEN_FORMAT(values['token-format']) as UpdateResourceInput['tokenFormat'] }),
    ...(values['access-token-ttl'] !== undefined && { accessTokenTtl: ttlOf(values['access-token-ttl'], true) }),
    ...(values['signing-alg'] !== undefined && { signingAlg: values['signing-alg'] as UpdateResourceInput['signingAlg'] }),
    ...(values.default && { isDefault: true }),
    ...(values['not-default'] && { isDefault: false }),
  };
  if (Object.keys(changes).length === 0) throw new UsageError('resources update needs something to change, such as --name or --scopes');
  await print(ctx, 'Updated', await updateResource(ctx.storage, resource.id, changes, ctx.actor), values.json);
}

export const resourcesDeleteOptions = { json: { type: 'boolean' } } as const;

/** `resources delete IDENTIFIER`: refused while an active resource-server client is linked to it. */
export async function resourcesDeleteCommand(ctx: CliContext, positionals: string[], values: { json?: boolean }) {
  const resource = await named(ctx, 'delete', positionals);
  await deleteResource(ctx.storage, resource.id, ctx.actor);
  if (values.json) ctx.out(JSON.stringify({ id: resource.id, identifier: resource.identifier, deleted: true }));
  else ctx.out(`Deleted API ${resource.name}: ${resource.identifier}`);
}

export const resourcesListOptions = { search: { type: 'string' }, json: { type: 'boolean' } } as const;

export async function resourcesListCommand(ctx: CliContext, values: { search?: string; json?: boolean }) {
  const resources: Resource[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.resources.list({ search: values.search?.trim() || undefined, limit: 200, cursor });
    resources.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (values.json) {
    ctx.out(JSON.stringify(await Promise.all(resources.map((resource) => describeResource(ctx.storage, resource))), null, 2));
    return;
  }
  if (resources.length === 0) {
    ctx.out('No APIs.');
    return;
  }
  ctx.out(table(['IDENTIFIER', 'NAME', 'FORMAT', 'SCOPES', 'DEFAULT'],
    resources.map((r) => [r.identifier, r.name, r.tokenFormat, r.scopes.join(' '), r.isDefault ? 'yes' : ''])));
}
