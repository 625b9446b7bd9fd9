import { parseDuration } from '../config.js';
import { createClient, ProtectedClientError, revokeClient } from '../admin/clients/service.js';
import type { CreateClientInput } from '../oauth/clients/fields.js';
import type { Client, GrantType, TokenEndpointAuthMethod } from '../storage/types.js';
import { parseSeconds, splitList, table, UsageError, type CliContext } from './context.js';

/** A client as the CLI prints it, with RFC 7591 metadata names. */
function describeClient(client: Client) {
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
  json: { type: 'boolean' },
} as const;

type CreateValues = { [K in keyof typeof clientsCreateOptions]?: (typeof clientsCreateOptions)[K]['type'] extends 'boolean' ? boolean : string };

/** `clients create`: prints the client id and, for confidential clients, the secret, this once. */
export async function clientsCreateCommand(ctx: CliContext, values: CreateValues) {
  const method = values['auth-method'] ?? (values.public ? 'none' : undefined);
  if (values.public && method !== 'none') throw new UsageError('--public clients authenticate with --auth-method none');
  const grantTypes = splitList(values['grant-types']);
  const input: CreateClientInput = {
    name: values.name ?? '',
    siteUrl: values['site-url'] ?? null,
    logoUrl: values['logo-url'] ?? null,
    redirectUris: splitList(values['redirect-uris']),
    postLogoutRedirectUris: splitList(values['post-logout-redirect-uris']),
    idTokenSigningAlg: (values['id-token-alg'] ?? null) as CreateClientInput['idTokenSigningAlg'],
    grantTypes: grantTypes as GrantType[] | undefined ?? (values.public ? ['authorization_code', 'refresh_token'] : undefined),
    scopes: splitList(values.scopes),
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod | undefined,
    accessTokenTtl: parseSeconds('access-token-ttl', values['access-token-ttl'], parseDuration),
    refreshTokenTtl: parseSeconds('refresh-token-ttl', values['refresh-token-ttl'], parseDuration),
    resourceServer: values['resource-server'] ?? false,
    applicationType: values['application-type'] as CreateClientInput['applicationType'],
  };
  const { client, secret } = await createClient(ctx.storage, input, ctx.actor);
  if (values.json) {
    const { client_id, ...rest } = describeClient(client);
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
    ctx.out(JSON.stringify(clients.map(describeClient), null, 2));
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
