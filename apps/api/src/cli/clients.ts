import { readFile } from 'node:fs/promises';
import { parseDuration } from '../config.js';
import { resourceIdentifiers } from '../admin/clients/resource-links.js';
import type { CreateAdminClientInput, UpdateClientInput } from '../admin/clients/schema.js';
import { createClient, ProtectedClientError, revokeClient, updateClient } from '../admin/clients/service.js';
import { ASSERTION_SIGNING_ALGORITHMS } from '../oauth/client-auth/private-key-jwt.js';
import type { Client, GrantType, TokenEndpointAuthMethod } from '../storage/types.js';
import { defineCommand, jsonOption, type OptionSpec } from './command.js';
import { parseSeconds, splitList, table, UsageError } from './context.js';

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
    token_endpoint_auth_signing_alg: client.tokenEndpointAuthSigningAlg,
    access_token_ttl: client.accessTokenTtl,
    refresh_token_ttl: client.refreshTokenTtl,
    id_token_signed_response_alg: client.idTokenSigningAlg,
    backchannel_logout_uri: client.backchannelLogoutUri,
    backchannel_logout_session_required: client.backchannelLogoutSessionRequired,
    application_type: client.applicationType,
    resource_server: client.resourceServer,
    dpop_bound_access_tokens: client.dpopBoundAccessTokens,
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    security_profile: client.securityProfile,
    allowed_resources: client.allowedResources === null ? null : client.allowedResources.flatMap((id) => identifiers.get(id) ?? []).sort(),
    resource: client.resourceId === null ? null : identifiers.get(client.resourceId) ?? null,
    token_exchange: { subject_clients: client.tokenExchange.subjectClients, impersonation: client.tokenExchange.impersonation },
    registration: client.registration.kind,
    status: client.status,
    created_at: new Date(client.createdAt).toISOString(),
  };
}

/** `--allowed-resources "URI URI"`: those APIs only; `any` (or leaving it out at creation) for any API. */
function allowedResourcesOf(value: string | undefined): string[] | null | undefined {
  if (value === undefined) return undefined;
  return value.trim() === 'any' ? null : splitList(value);
}

/** `--auth-signing-alg`, shared by clients create and clients update. */
const authSigningAlgOption = {
  type: 'string', value: 'ALG', field: 'tokenEndpointAuthSigningAlg',
  description: 'For --auth-method private_key_jwt: the one algorithm the client signs its assertions with (token_endpoint_auth_signing_alg), '
    + `one of ${ASSERTION_SIGNING_ALGORITHMS.join(', ')}; an assertion signed otherwise is refused.`,
} as const satisfies OptionSpec;

/** The options of a client's token exchange policy, shared by clients create and clients update. */
const exchangeOptions = {
  'exchange-subject-clients': {
    type: 'string', value: 'IDS', field: 'tokenExchange',
    description: 'For token exchange: ids of other clients whose tokens this client may exchange, separated by spaces or commas; "" for none. '
      + 'Its own tokens and tokens meant for the API it serves (--resource) need none.',
  },
  'exchange-impersonation': {
    type: 'string', value: 'YESNO', field: 'tokenExchange',
    description: 'For token exchange: whether it may exchange without an actor_token (yes, the default), or only with one (no: delegation only).',
  },
} as const satisfies Record<string, OptionSpec>;

/** yes or no, as --exchange-impersonation takes it. */
function impersonationOf(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'yes' || value === 'no') return value === 'yes';
  throw new UsageError('--exchange-impersonation takes yes or no');
}

/** What clients create and clients update both take about the APIs a client may ask for. */
const allowedResourcesOption = {
  type: 'string', value: 'URIS', field: 'allowedResources',
  description: 'The identifiers of the APIs the client may ask tokens for, separated by spaces or commas (see resources list); any for any API.',
} as const satisfies OptionSpec;

/** What clients create and clients update both take about back-channel logout. */
const logoutOptions = {
  'backchannel-logout-uri': {
    type: 'string', value: 'URL', field: 'backchannelLogoutUri',
    description: 'Where a logout token is posted when a session that signed in to this client ends (OIDC Back-Channel Logout): https, or http for a confidential client.',
  },
  'backchannel-logout-session-required': {
    type: 'boolean', field: 'backchannelLogoutSessionRequired',
    description: 'The client needs sid in logout tokens (Tollgate always sends it; this records the client\'s need).',
  },
} as const satisfies Record<string, OptionSpec>;

const clientsCreate = defineCommand({
  name: 'clients create',
  summary: 'Register a client and print its client_id and client_secret (the secret only this once).',
  description: [
    'Registers a client. A confidential client gets a secret, printed this once and stored only as a hash. '
      + 'Without options the client is confidential, uses the client_credentials grant and authenticates with client_secret_basic; '
      + '--public makes a public client (auth method none, authorization_code and refresh_token), which must use PKCE.',
    'Scopes must exist first (scopes create). Redirect URIs must be absolute, without a fragment, and https '
      + '(http only for localhost and loopback addresses; a private-use scheme such as com.example.app:/cb only with --application-type native).',
  ],
  options: {
    name: { type: 'string', value: 'NAME', required: true, description: 'The name users see on the consent page, and administrators in lists.' },
    'grant-types': {
      type: 'string', value: 'LIST', field: 'grantTypes',
      description: 'Grant types, separated by commas or spaces: client_credentials, authorization_code, refresh_token, '
        + 'urn:ietf:params:oauth:grant-type:device_code (devices that show a code and poll, RFC 8628), password '
        + '(discouraged: see docs/grants.md), urn:ietf:params:oauth:grant-type:token-exchange. '
        + 'Default client_credentials (authorization_code,refresh_token with --public); "" for none (a resource server).',
    },
    scopes: { type: 'string', value: 'LIST', description: 'Scopes the client may ask for, separated by spaces or commas ("read write"). Default none.' },
    'redirect-uris': { type: 'string', value: 'URLS', field: 'redirectUris', description: 'Where the authorization code flow may send users back, separated by commas.' },
    'post-logout-redirect-uris': { type: 'string', value: 'URLS', field: 'postLogoutRedirectUris', description: 'Where users may be sent after signing out (RP-initiated logout), separated by commas.' },
    'id-token-alg': { type: 'string', value: 'ALG', field: 'idTokenSigningAlg', description: 'How this client\'s ID tokens are signed: ES256 or RS256. Default: ID_TOKEN_SIGNING_ALG (ES256).' },
    ...logoutOptions,
    public: { type: 'boolean', description: 'A public client (a single-page or native app): no secret, auth method none, PKCE required.' },
    'auth-method': {
      type: 'string', value: 'METHOD', field: 'tokenEndpointAuthMethod',
      description: 'How the client authenticates at the token endpoint: client_secret_basic (default), client_secret_post, '
        + 'private_key_jwt (a JWT signed with its key; give --jwks-uri or --jwks), or none (public clients).',
    },
    'jwks-uri': {
      type: 'string', value: 'URL', field: 'jwksUri',
      description: 'An https URL serving the client\'s public keys (a JSON Web Key Set), for --auth-method private_key_jwt.',
    },
    jwks: {
      type: 'string', value: 'FILE', field: 'jwks',
      description: 'A file holding the client\'s public keys as a JSON Web Key Set ({"keys": [...]}), for --auth-method private_key_jwt.',
    },
    'auth-signing-alg': {
      ...authSigningAlgOption,
      description: `${authSigningAlgOption.description} Default: any of them.`,
    },
    'site-url': { type: 'string', value: 'URL', field: 'siteUrl', description: 'The client\'s home page, linked from the consent page.' },
    'logo-url': { type: 'string', value: 'URL', field: 'logoUrl', description: 'An image (http or https URL) shown on the consent page.' },
    'application-type': {
      type: 'string', value: 'TYPE', field: 'applicationType',
      description: 'web (default) or native. A native app may register a private-use scheme redirect URI (com.example.app:/cb, RFC 8252 §7.1).',
    },
    'access-token-ttl': { type: 'string', value: 'DURATION', field: 'accessTokenTtl', description: 'Access token lifetime for this client (3600, 15m, 1h). Default: ACCESS_TOKEN_TTL.' },
    'refresh-token-ttl': { type: 'string', value: 'DURATION', field: 'refreshTokenTtl', description: 'Refresh token lifetime for this client (30d). Default: REFRESH_TOKEN_TTL.' },
    'resource-server': {
      type: 'boolean', field: 'resourceServer',
      description: 'An API that may introspect any token, not only its own; it may have no grant types (--grant-types ""). Implied by --resource.',
    },
    'dpop-bound': {
      type: 'boolean', field: 'dpopBoundAccessTokens',
      description: 'Every token request must carry a DPoP proof, so every token is bound to the client\'s key (RFC 9449 dpop_bound_access_tokens).',
    },
    'require-par': {
      type: 'boolean', field: 'requirePushedAuthorizationRequests',
      description: 'The client must push its authorization requests to /oauth/par (RFC 9126); /oauth/authorize then takes only client_id and request_uri from it.',
    },
    'security-profile': {
      type: 'string', value: 'PROFILE', field: 'securityProfile',
      description: 'fapi2: hold the client to the FAPI 2.0 Security Profile (private_key_jwt, PAR, PKCE S256, DPoP-bound tokens) even when SECURITY_PROFILE is none. Needs --auth-method private_key_jwt.',
    },
    'allowed-resources': { ...allowedResourcesOption, description: `${allowedResourcesOption.description} Default any.` },
    resource: {
      type: 'string', value: 'URI', field: 'resource',
      description: 'Link the client, as a resource server, to the API with this identifier: it introspects only tokens meant for that API. Implies --resource-server.',
    },
    ...exchangeOptions,
    json: { ...jsonOption, description: 'Print the client as JSON (RFC 7591 names, with allowed_resources and resource), its client_secret included.' },
  },
  examples: [
    'clients create --name Billing --scopes read --json',
    'clients create --name "My app" --public --redirect-uris http://127.0.0.1/callback --scopes "openid profile"',
    'clients create --name "Invoices API" --resource-server --grant-types ""',
    'clients create --name Batch --auth-method private_key_jwt --jwks-uri https://batch.example.com/jwks.json --scopes read',
    'clients create --name Reports --scopes read --allowed-resources "https://api.example.test"',
    'clients create --name Portal --redirect-uris https://portal.example.com/cb --grant-types authorization_code --scopes openid --require-par',
    'clients create --name Bank --auth-method private_key_jwt --jwks-uri https://bank.example.com/jwks.json --redirect-uris https://bank.example.com/cb --grant-types authorization_code,refresh_token --scopes openid --security-profile fapi2',
    'clients create --name "Example API gateway" --grant-types "" --resource https://api.example.test',
    'clients create --name "Legacy app" --grant-types password,refresh_token --scopes "openid read"',
    'clients create --name "Orders service" --grant-types urn:ietf:params:oauth:grant-type:token-exchange --resource https://orders.example.test --exchange-impersonation no',
  ],
  async run(ctx, values) {
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
      requirePushedAuthorizationRequests: values['require-par'] ?? false,
      applicationType: values['application-type'] as CreateAdminClientInput['applicationType'],
      allowedResources: allowedResourcesOf(values['allowed-resources']),
      resource: resource ?? null,
      jwksUri: values['jwks-uri'] ?? null,
      jwks: values.jwks === undefined ? null : await readKeySet(values.jwks),
      tokenEndpointAuthSigningAlg: (values['auth-signing-alg'] ?? null) as CreateAdminClientInput['tokenEndpointAuthSigningAlg'],
      dpopBoundAccessTokens: values['dpop-bound'] ?? false,
      securityProfile: profileOf(values['security-profile']) ?? null,
      backchannelLogoutUri: values['backchannel-logout-uri'] ?? null,
      backchannelLogoutSessionRequired: values['backchannel-logout-session-required'] ?? false,
      tokenExchange: {
        subjectClients: splitList(values['exchange-subject-clients']) ?? [],
        impersonation: impersonationOf(values['exchange-impersonation']) ?? true,
      },
    };
    const { client, secret } = await createClient(ctx.storage, input, ctx.actor, { serverProfile: ctx.config.securityProfile });
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
    } else if (client.tokenEndpointAuthMethod === 'private_key_jwt') {
      ctx.out('  private_key_jwt: no secret; it authenticates with JWTs signed by its registered keys.');
    } else {
      ctx.out('  public client: no secret; it must use PKCE.');
    }
  },
});

const clientsList = defineCommand({
  name: 'clients list',
  summary: 'List clients (never a secret).',
  description: ['Lists every client, oldest first, as a table or JSON. Secrets are never shown: only their hashes are stored.'],
  options: {
    status: { type: 'string', value: 'STATUS', description: 'Only active or only revoked clients.' },
    search: { type: 'string', value: 'TEXT', description: 'Only clients whose name or client_id contains this text.' },
    json: jsonOption,
  },
  async run(ctx, values) {
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
  },
});

const clientsRevoke = defineCommand({
  name: 'clients revoke',
  summary: 'Revoke a client with its tokens, codes and consents.',
  description: [
    'Revokes the client and, in the same transaction, its tokens, codes and consents. It stays listed, as revoked. '
      + 'Revoking a client already revoked changes nothing.',
  ],
  arguments: [{ name: 'CLIENT_ID', description: 'The client to revoke (see clients list).' }],
  options: {
    force: { type: 'boolean', description: 'Allow revoking Tollgate\'s own console client, which locks administrators out of the console.' },
    json: jsonOption,
  },
  examples: ['clients revoke Y9x4ZYl8LzhChSLDZkUGUw'],
  async run(ctx, values, [id]) {
    const revoked = await revokeClient(ctx.storage, id!, ctx.actor, { allowSystem: values.force ?? false }).catch((error: unknown) => {
      if (error instanceof ProtectedClientError) throw new UsageError(`${error.message}; add --force if you mean it`);
      throw error;
    });
    if (values.json) ctx.out(JSON.stringify({ client_id: id, revoked: true, already_revoked: !revoked }));
    else ctx.out(revoked ? `Revoked client ${id} with its tokens, codes and consents` : `Client ${id} was already revoked`);
  },
});

/** `on` or `off`, for a flag that can be switched both ways. */
/** `--security-profile`: fapi2, or none for the server's setting; undefined when not given. */
function profileOf(value: string | undefined): 'fapi2' | null | undefined {
  if (value === undefined) return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'fapi2') return 'fapi2';
  if (text === 'none') return null;
  throw new UsageError('--security-profile must be fapi2 or none');
}

function onOff(flag: string, value: string): boolean {
  const text = value.trim().toLowerCase();
  if (text !== 'on' && text !== 'off') throw new UsageError(`--${flag} must be on or off`);
  return text === 'on';
}

/** A lifetime to change: a duration, or `default` for the server's default. */
function ttlChange(flag: 'access-token-ttl' | 'refresh-token-ttl', value: string): number | null {
  return value === 'default' ? null : parseSeconds(flag, value, parseDuration);
}

const clientsUpdate = defineCommand({
  name: 'clients update',
  summary: 'Change a client: only what is given changes.',
  description: [
    'Changes the options given and leaves the rest as it is; a list option replaces the whole list. '
      + 'A revoked client, and Tollgate\'s own console client, cannot be changed.',
    '--allowed-resources any lifts the restriction to some APIs. --resource URI links the client to an API as its resource server '
      + '(and makes it one); --resource none unlinks it.',
  ],
  arguments: [{ name: 'CLIENT_ID', description: 'The client to change (see clients list).' }],
  options: {
    name: { type: 'string', value: 'NAME', description: 'The name users see on the consent page, and administrators in lists.' },
    'grant-types': {
      type: 'string', value: 'LIST', field: 'grantTypes',
      description: 'Grant types, separated by commas or spaces: client_credentials, authorization_code, refresh_token, password, '
        + 'urn:ietf:params:oauth:grant-type:token-exchange; "" for none (a resource server).',
    },
    scopes: { type: 'string', value: 'LIST', description: 'Scopes the client may ask for, separated by spaces or commas ("read write"); "" for none.' },
    'redirect-uris': { type: 'string', value: 'URLS', field: 'redirectUris', description: 'Where the authorization code flow may send users back, separated by commas.' },
    'access-token-ttl': {
      type: 'string', value: 'DURATION', field: 'accessTokenTtl',
      description: 'Access token lifetime for this client (3600, 15m, 1h), or default for ACCESS_TOKEN_TTL.',
    },
    'refresh-token-ttl': {
      type: 'string', value: 'DURATION', field: 'refreshTokenTtl',
      description: 'Refresh token lifetime for this client (30d), or default for REFRESH_TOKEN_TTL.',
    },
    'allowed-resources': allowedResourcesOption,
    resource: {
      type: 'string', value: 'URI', field: 'resource',
      description: 'Link the client, as a resource server, to the API with this identifier (and make it a resource server); none to unlink it.',
    },
    'dpop-bound': {
      type: 'string', value: 'SWITCH', field: 'dpopBoundAccessTokens',
      description: 'on: every token request must carry a DPoP proof (RFC 9449 dpop_bound_access_tokens); off: bearer tokens are allowed again.',
    },
    'auth-signing-alg': {
      ...authSigningAlgOption,
      description: `${authSigningAlgOption.description} any: whichever of them the client signs with.`,
    },
    'require-par': {
      type: 'string', value: 'SWITCH', field: 'requirePushedAuthorizationRequests',
      description: 'on: the client must push its authorization requests to /oauth/par (RFC 9126); off: it may send them to /oauth/authorize directly.',
    },
    'security-profile': {
      type: 'string', value: 'PROFILE', field: 'securityProfile',
      description: 'fapi2: hold the client to the FAPI 2.0 Security Profile; none: leave it to the server\'s SECURITY_PROFILE.',
    },
    'backchannel-logout-uri': { ...logoutOptions['backchannel-logout-uri'], description: `${logoutOptions['backchannel-logout-uri'].description} none to remove it.` },
    'backchannel-logout-session-required': logoutOptions['backchannel-logout-session-required'],
    ...exchangeOptions,
    json: { ...jsonOption, description: 'Print the client as JSON (RFC 7591 names, with allowed_resources and resource); never a secret.' },
  },
  examples: [
    'clients update Y9x4ZYl8LzhChSLDZkUGUw --allowed-resources "https://api.example.test https://other.example.test"',
    'clients update Y9x4ZYl8LzhChSLDZkUGUw --allowed-resources any --access-token-ttl default',
    'clients update Y9x4ZYl8LzhChSLDZkUGUw --resource none',
    'clients update Y9x4ZYl8LzhChSLDZkUGUw --require-par on',
    'clients update Y9x4ZYl8LzhChSLDZkUGUw --security-profile fapi2',
    'clients update Y9x4ZYl8LzhChSLDZkUGUw --backchannel-logout-uri https://app.example.com/backchannel-logout',
    'clients update Y9x4ZYl8LzhChSLDZkUGUw --exchange-subject-clients "Fz2mEhxvHhJsqke0uECiuf" --exchange-impersonation no',
  ],
  async run(ctx, values, [id]) {
    const resource = values.resource === undefined ? undefined : values.resource.trim() === 'none' ? null : values.resource;
    const changes: UpdateClientInput = {
      ...(values.name !== undefined && { name: values.name }),
      ...(values['grant-types'] !== undefined && { grantTypes: splitList(values['grant-types']) as GrantType[] }),
      ...(values.scopes !== undefined && { scopes: splitList(values.scopes) }),
      ...(values['redirect-uris'] !== undefined && { redirectUris: splitList(values['redirect-uris']) }),
      ...(values['access-token-ttl'] !== undefined && { accessTokenTtl: ttlChange('access-token-ttl', values['access-token-ttl']) }),
      ...(values['refresh-token-ttl'] !== undefined && { refreshTokenTtl: ttlChange('refresh-token-ttl', values['refresh-token-ttl']) }),
      ...(values['allowed-resources'] !== undefined && { allowedResources: allowedResourcesOf(values['allowed-resources']) }),
      ...(resource !== undefined && { resource, ...(resource !== null && { resourceServer: true }) }),
      ...(values['dpop-bound'] !== undefined && { dpopBoundAccessTokens: onOff('dpop-bound', values['dpop-bound']) }),
      ...(values['require-par'] !== undefined && { requirePushedAuthorizationRequests: onOff('require-par', values['require-par']) }),
      ...(values['auth-signing-alg'] !== undefined && {
        tokenEndpointAuthSigningAlg: (values['auth-signing-alg'].trim() === 'any' ? null : values['auth-signing-alg']) as UpdateClientInput['tokenEndpointAuthSigningAlg'],
      }),
      ...(values['security-profile'] !== undefined && { securityProfile: profileOf(values['security-profile']) }),
      ...(values['backchannel-logout-uri'] !== undefined && { backchannelLogoutUri: values['backchannel-logout-uri'].trim() === 'none' ? null : values['backchannel-logout-uri'] }),
      ...(values['backchannel-logout-session-required'] !== undefined && { backchannelLogoutSessionRequired: values['backchannel-logout-session-required'] }),
    };
    const subjectClients = splitList(values['exchange-subject-clients']);
    const impersonation = impersonationOf(values['exchange-impersonation']);
    if (subjectClients !== undefined || impersonation !== undefined) {
      // One option changes one half of the policy: the other half stays as it is.
      const current = (await ctx.storage.clients.get(id!))?.tokenExchange;
      changes.tokenExchange = { subjectClients: subjectClients ?? current?.subjectClients ?? [], impersonation: impersonation ?? current?.impersonation ?? true };
    }
    if (Object.keys(changes).length === 0) throw new UsageError('clients update needs something to change, such as --name or --allowed-resources');
    const { client } = await updateClient(ctx.storage, id!, changes, ctx.actor, { serverProfile: ctx.config.securityProfile }).catch((error: unknown) => {
      if (error instanceof ProtectedClientError) throw new UsageError(error.message);
      throw error;
    });
    if (values.json) ctx.out(JSON.stringify(describeClient(client, await resourceIdentifiers(ctx.storage, [client])), null, 2));
    else ctx.out(`Updated client ${client.name} (${client.id})`);
  },
});

export const clientsCommands = [clientsCreate, clientsList, clientsUpdate, clientsRevoke];

/** The JSON Web Key Set in `file`, for `--jwks`; its keys are checked with the rest of the registration. */
async function readKeySet(file: string): Promise<CreateAdminClientInput['jwks']> {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--jwks: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return JSON.parse(text) as CreateAdminClientInput['jwks'];
  } catch {
    throw new UsageError(`--jwks: ${file} does not hold JSON`);
  }
}
