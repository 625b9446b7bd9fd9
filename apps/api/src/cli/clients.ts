import { parseDuration } from '../config.js';
import { resourceIdentifiers } from '../admin/clients/resource-links.js';
import type { CreateAdminClientInput, UpdateClientInput } from '../admin/clients/schema.js';
import { createClient, ProtectedClientError, revokeClient, updateClient } from '../admin/clients/service.js';
import type { Client, GrantType, TokenEndpointAuthMethod } from '../storage/types.js';
import { parseSeconds, splitList, table, UsageError, type CliContext } from './context.js';

/** A client as the CLI prints it, with RFC 7591 metadata names; `identifiers` maps API ids to identifiers. */
function describeClient(client: Client, identifiers: ReadonlyMap<string, string>) {
  return {
    client_id: client.id,
    client_name: client.name,
    client_uri: client.siteUrl,
    logo_uri: client.logoUrl,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: client.grantTypes,
    scope: client.scopes.join(' '),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    access_token_ttl: client.accessTokenTtl,
    refresh_token_ttl: client.refreshTokenTtl,
    id_token_signed_response_alg: client.idTokenSigningAlg,
    application_type: client.applicationType,
    resource_server: client.resourceServer,
    allowed_resources: client.allowedResources === null ? null : client.allowedResources.flatMap((id) => identifiers.get(id) ?? []).sort(),
    resource: client.resourceId === null ? null : identifiers.get(client.resourceId) ?? null,
    registration: client.registration.kind,
    status: client.status,
    created_at: new Date(client.createdAt).toISOString(),
  };
}

export const clientsCreateOptions = {
  name: { type: 'string' },
  'grant-types': { type: 'string' },
  scopes: { type: 'string' },
  'redirect-uris': { type: 'string' },
  'post-logout-redirect-uris': { type: 'string' },
  'id-token-alg': { type: 'string' },
  public: { type: 'boolean' },
  'auth-method': { type: 'string' },
  'site-url': { type: 'string' },
  'logo-url': { type: 'string' },
  'application-type': { type: 'string' },
  'access-token-ttl': { type: 'string' },
  'refresh-token-ttl': { type: 'string' },
  'resource-server': { type: 'boolean' },
  'allowed-resources': { type: 'string' },
  resource: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `--allowed-resources "URI URI"`: those APIs only; `any` (or leaving it out at creation) for any API. */
function allowedResourcesOf(value: string | undefined): string[] | null | undefined {
  if (value === undefined) return undefined;
  return value.trim() === 'any' ? null : splitList(value);
}

type CreateValues = { [K in keyof typeof clientsCreateOptions]?: (typeof clientsCreateOptions)[K]['type'] extends 'boolean' ? boolean : string };

/** `clients create`: prints the client id and, for confidential clients, the secret, this once. */
export async function clientsCreateCommand(ctx: CliContext, values: CreateValues) {
  const method = values['auth-method'] ?? (values.public ? 'none' : undefined);
  if (values.public && method !== 'none') throw new UsageError('--public clients authenticate with --auth-method none');
  const grantTypes = splitList(values['grant-types']);
  const resource = values.resource;
  const input: CreateAdminClientInput = {
    name: values.name ?? '',
    siteUrl: values['site-url'] ?? null,
    logoUrl: values['logo-url'] ?? null,
    redirectUris: splitList(values['redirect-uris']),
    postLogoutRedirectUris: splitList(values['post-logout-redirect-uris']),
    idTokenSigningAlg: (values['id-token-alg'] ?? null) as CreateAdminClientInput['idTokenSigningAlg'],
    grantTypes: grantTypes as GrantType[] | undefined ?? (values.public ? ['authorization_code', 'refresh_token'] : undefined),
    scopes: splitList(values.scopes),
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod | undefined,
    accessTokenTtl: parseSeconds('access-token-ttl', values['access-token-ttl'], parseDuration),
    refreshTokenTtl: parseSeconds('refresh-token-ttl', values['refresh-token-ttl'], parseDuration),
    // Linking a client to an API makes it that API's resource server.
    resourceServer: values['resource-server'] ?? resource !== undefined,
    applicationType: values['application-type'] as CreateAdminClientInput['applicationType'],
    allowedResources: allowedResourcesOf(values['allowed-resources']),
    resource: resource ?? null,
  };
  const { client, secret } = await createClient(ctx.storage, input, ctx.actor);
  if (values.json) {
    const { client_id, ...rest } = describeClient(client, await resourceIdentifiers(ctx.storage, [client]));
    ctx.out(JSON.stringify({ client_id, client_secret: secret, ...rest }, null, 2));
    return;
  }
  ctx.out(`Created client ${client.name}`);
  ctx.out(`  client_id:     ${client.id}`);
  if (secret) {
    ctx.out(`  client_secret: ${secret}`);
    ctx.out('The secret is shown this once and stored only as a hash: keep it somewhere safe now.');
  } else {
    ctx.out('  public client: no secret; it must use PKCE.');
  }
}

export const clientsListOptions = {
  status: { type: 'string' },
  search: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export async function clientsListCommand(ctx: CliContext, values: { status?: string; search?: string; json?: boolean }) {
  if (values.status !== undefined && values.status !== 'active' && values.status !== 'revoked') {
    throw new UsageError(`--status must be active or revoked (got "${values.status}")`);
  }
  const clients: Client[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.clients.list({ status: values.status, search: values.search, sort: 'createdAt', order: 'asc', limit: 500, cursor });
    clients.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (values.json) {
    const identifiers = await resourceIdentifiers(ctx.storage, clients);
    ctx.out(JSON.stringify(clients.map((client) => describeClient(client, identifiers)), null, 2));
    return;
  }
  if (clients.length === 0) {
    ctx.out('No clients.');
    return;
  }
  ctx.out(table(['CLIENT ID', 'NAME', 'STATUS', 'GRANT TYPES', 'AUTH METHOD'],
    clients.map((c) => [c.id, c.name, c.status, c.grantTypes.join(','), c.tokenEndpointAuthMethod])));
}

export const clientsRevokeOptions = {
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** `clients revoke ID`: idempotent; Tollgate's own console client needs --force. */
export async function clientsRevokeCommand(ctx: CliContext, positionals: string[], values: { force?: boolean; json?: boolean }) {
  if (positionals.length !== 1) throw new UsageError('clients revoke takes one client id');
  const id = positionals[0]!;
  const revoked = await revokeClient(ctx.storage, id, ctx.actor, { allowSystem: values.force ?? false }).catch((error: unknown) => {
    if (error instanceof ProtectedClientError) throw new UsageError(`${error.message}; add --force if you mean it`);
    throw error;
  });
  if (values.json) ctx.out(JSON.stringify({ client_id: id, revoked: true, already_revoked: !revoked }));
  else ctx.out(revoked ? `Revoked client ${id} with its tokens, codes and consents` : `Client ${id} was already revoked`);
}

export const clientsUpdateOptions = {
  name: { type: 'string' },
  'grant-types': { type: 'string' },
  scopes: { type: 'string' },
  'redirect-uris': { type: 'string' },
  'access-token-ttl': { type: 'string' },
  'refresh-token-ttl': { type: 'string' },
  'allowed-resources': { type: 'string' },
  resource: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type UpdateValues = { [K in keyof typeof clientsUpdateOptions]?: (typeof clientsUpdateOptions)[K]['type'] extends 'boolean' ? boolean : string };

/**
 * `clients update CLIENT_ID …`: changes what is given. `--allowed-resources any`
 * lifts the restriction; `--resource URI` links the client to an API as its
 * resource server (and makes it one), `--resource none` unlinks it.
 */
export async function clientsUpdateCommand(ctx: CliContext, positionals: string[], values: UpdateValues) {
  if (positionals.length !== 1) throw new UsageError('clients update takes one client id, for example: clients update CLIENT_ID --allowed-resources https://api.example.test');
  const resource = values.resource === undefined ? undefined : values.resource.trim() === 'none' ? null : values.resource;
  const ttl = (flag: 'access-token-ttl' | 'refresh-token-ttl') => (values[flag] === undefined ? undefined : values[flag] === 'default' ? null : parseSeconds(flag, values[flag], parseDuration));
  const changes: UpdateClientInput = {
    ...(values.name !== undefined && { name: values.name }),
    ...(values['grant-types'] !== undefined && { grantTypes: splitList(values['grant-types']) as GrantType[] }),
    ...(values.scopes !== undefined && { scopes: splitList(values.scopes) }),
    ...(values['redirect-uris'] !== undefined && { redirectUris: splitList(values['redirect-uris']) }),
    ...(values['access-token-ttl'] !== undefined && { accessTokenTtl: ttl('access-token-ttl') }),
    ...(values['refresh-token-ttl'] !== undefined && { refreshTokenTtl: ttl('refresh-token-ttl') }),
    ...(values['allowed-resources'] !== undefined && { allowedResources: allowedResourcesOf(values['allowed-resources']) }),
    ...(resource !== undefined && { resource, ...(resource !== null && { resourceServer: true }) }),
  };
  if (Object.keys(changes).length === 0) throw new UsageError('clients update needs something to change, such as --name or --allowed-resources');
  const client = await updateClient(ctx.storage, positionals[0]!, changes, ctx.actor).catch((error: unknown) => {
    if (error instanceof ProtectedClientError) throw new UsageError(error.message);
    throw error;
  });
  if (values.json) ctx.out(JSON.stringify(describeClient(client, await resourceIdentifiers(ctx.storage, [client])), null, 2));
  else ctx.out(`Updated client ${client.name} (${client.id})`);
}
