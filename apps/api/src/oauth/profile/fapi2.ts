import type { Client, ClientStore, Resource, ResourceStore, SecurityProfile } from '../../storage/types.js';

/*
 * The FAPI 2.0 Security Profile (OpenID FAPI 2.0 Security Profile, final,
 * February 2025): which clients it holds, and the limits it sets. Each
 * endpoint applies the rule that concerns it; docs/fapi.md lists them all
 * against the specification's clauses.
 */

/** The profiles a server (`SECURITY_PROFILE`) or a client (`securityProfile`) may be held to. */
export const SECURITY_PROFILES = ['fapi2'] as const satisfies readonly SecurityProfile[];

/** §5.4.1 item 1.2: the JWS algorithms every JWT may be signed with (no RS256: RSASSA-PKCS1-v1_5). */
export const FAPI2_JWS_ALGORITHMS = ['PS256', 'ES256', 'EdDSA'] as const;
/** §5.4.1 item 1.2, for client assertions. */
export const FAPI2_ASSERTION_ALGORITHMS = FAPI2_JWS_ALGORITHMS;
/** §5.4.1 item 1.2, for DPoP proofs; `Ed25519` is EdDSA with the Ed25519 curve, by its fully-specified name (the note under §5.4.1). */
export const FAPI2_DPOP_ALGORITHMS = ['PS256', 'ES256', 'EdDSA', 'Ed25519'] as const;
/** §5.3.2.1 item 12: authorization codes live at most 60 seconds. */
export const FAPI2_MAX_CODE_SECONDS = 60;
/** §5.3.2.2 item 12: a `request_uri` lives less than 600 seconds. */
export const FAPI2_MAX_REQUEST_URI_SECONDS = 599;
/**
 * §5.3.2.1 item 10, Note 2: rotation only with a time-limited retry of the old
 * refresh token. A client under the profile on a server with
 * `REFRESH_TOKEN_REUSE_GRACE=0` gets this grace; a server-wide profile refuses to start with 0.
 */
export const FAPI2_MIN_REFRESH_GRACE_SECONDS = 10;

/** What every error description caused by the profile starts with, so a developer knows where the rule comes from. */
export const FAPI2 = 'FAPI 2.0 Security Profile';

/**
 * Which clients are under the FAPI 2.0 profile: those whose registration says
 * `fapi2`, and every client when the server's `SECURITY_PROFILE` is `fapi2`,
 * except the `exempt` ones (the console's own client, a public single-page
 * app that cannot meet the profile and that administrators sign in with).
 */
export class SecurityProfiles {
  constructor(readonly serverWide: SecurityProfile | null, private readonly exempt: ReadonlySet<string> = new Set()) {}

  /** Whether `client` is held to the FAPI 2.0 Security Profile. */
  fapi2(client: Pick<Client, 'id' | 'securityProfile'>): boolean {
    return client.securityProfile === 'fapi2' || (this.serverWide === 'fapi2' && !this.exempt.has(client.id));
  }

  /** Whether `id` names a client the server-wide profile leaves alone. */
  isExempt(id: string): boolean {
    return this.exempt.has(id);
  }
}

/** No profile anywhere but where a client asks for one. */
export const CLIENT_PROFILES_ONLY = new SecurityProfiles(null);

/** A client field a profile problem is about. */
export type Fapi2Field = 'tokenEndpointAuthMethod' | 'tokenEndpointAuthSigningAlg' | 'grantTypes' | 'idTokenSigningAlg';

/** What a client registration is checked against: the fields the profile sets a rule for. */
export type Fapi2Registration = Pick<Client, 'tokenEndpointAuthMethod' | 'grantTypes'> & Partial<Pick<Client, 'idTokenSigningAlg' | 'tokenEndpointAuthSigningAlg'>>;

/**
 * Why a registration cannot be under the profile: field and message, empty when
 * it can (§5.3.2.1 items 2, 3, 6; §5.4.1). The same for the admin API, the CLI,
 * dynamic registration and the check of existing clients when the server-wide
 * switch is turned on.
 */
export function fapi2RegistrationProblems(client: Fapi2Registration): { field: Fapi2Field; message: string }[] {
  const problems: { field: Fapi2Field; message: string }[] = [];
  if (client.tokenEndpointAuthMethod !== 'private_key_jwt') {
    problems.push({
      field: 'tokenEndpointAuthMethod',
      message: `the ${FAPI2} needs private_key_jwt (§5.3.2.1 items 3 and 6: confidential clients only, no client secret), not ${client.tokenEndpointAuthMethod}`,
    });
  } else if (client.tokenEndpointAuthSigningAlg && !(FAPI2_ASSERTION_ALGORITHMS as readonly string[]).includes(client.tokenEndpointAuthSigningAlg)) {
    problems.push({
      field: 'tokenEndpointAuthSigningAlg',
      message: `the ${FAPI2} allows client assertions signed with ${FAPI2_ASSERTION_ALGORITHMS.join(', ')} (§5.4.1), not ${client.tokenEndpointAuthSigningAlg}`,
    });
  }
  if (client.grantTypes.includes('password')) {
    problems.push({ field: 'grantTypes', message: `the ${FAPI2} forbids the password grant (§5.3.2.1 item 2)` });
  }
  if (client.idTokenSigningAlg === 'RS256') {
    problems.push({ field: 'idTokenSigningAlg', message: `the ${FAPI2} allows PS256, ES256 or EdDSA, not RS256 (§5.4.1): leave it to the server's ES256` });
  }
  return problems;
}

/** The registration metadata a client under the profile gets for a member it leaves out, and reads back (RFC 7591 §3.2.1). */
export interface Fapi2Metadata {
  tokenEndpointAuthMethod?: string;
  jwks?: unknown;
  jwksUri?: unknown;
  dpopBoundAccessTokens?: unknown;
  requirePushedAuthorizationRequests?: unknown;
}

/**
 * Dynamic registration's defaults under the profile, instead of RFC 7591's and
 * RFC 9449's and RFC 9126's, which it refuses: `private_key_jwt` when the
 * client gives its keys (there is nothing else it could authenticate with),
 * DPoP-bound tokens (§5.3.2.1 items 4, 5) and PAR (§5.3.2.2 item 3), which the
 * endpoints require of it anyway, so what it reads back is what it gets.
 */
export function fapi2MetadataDefaults<T extends Fapi2Metadata>(fields: T): T {
  const keyed = fields.jwks !== undefined || fields.jwksUri !== undefined;
  return {
    ...fields,
    ...(fields.tokenEndpointAuthMethod === undefined && keyed && { tokenEndpointAuthMethod: 'private_key_jwt' }),
    dpopBoundAccessTokens: fields.dpopBoundAccessTokens ?? true,
    requirePushedAuthorizationRequests: fields.requirePushedAuthorizationRequests ?? true,
  };
}

/**
 * A registration under the profile with what every endpoint holds it to
 * anyway turned on: DPoP-bound tokens (§5.3.2.1 items 4, 5) and pushed
 * requests (§5.3.2.2 item 3). The admin API and the CLI keep both as settings
 * beside the profile; turning them on keeps what they show true.
 */
export function withFapi2Requirements<T extends Pick<Client, 'dpopBoundAccessTokens' | 'requirePushedAuthorizationRequests'>>(fields: T): T {
  return { ...fields, dpopBoundAccessTokens: true, requirePushedAuthorizationRequests: true };
}

/**
 * What a client that registers itself under the profile may not say, beyond
 * {@link fapi2RegistrationProblems}: that its tokens need no DPoP, or its
 * requests no PAR. The endpoints would hold it to both anyway; refusing the
 * registration keeps its metadata true.
 */
export function fapi2MetadataProblems(client: Fapi2Registration & Pick<Client, 'dpopBoundAccessTokens' | 'requirePushedAuthorizationRequests'>): { field: Fapi2Field | 'dpopBoundAccessTokens' | 'requirePushedAuthorizationRequests'; message: string }[] {
  return [
    ...fapi2RegistrationProblems(client),
    ...(client.dpopBoundAccessTokens ? [] : [{
      field: 'dpopBoundAccessTokens' as const, message: `the ${FAPI2} issues only sender-constrained access tokens (§5.3.2.1 items 4 and 5): leave it out, or send true`,
    }]),
    ...(client.requirePushedAuthorizationRequests ? [] : [{
      field: 'requirePushedAuthorizationRequests' as const, message: `the ${FAPI2} takes authorization requests only through PAR (§5.3.2.2 item 3): leave it out, or send true`,
    }]),
  ];
}

/**
 * Why a client under the profile may not get JWT access tokens for `resource`,
 * or null when it may: §5.4.1 item 1.2 holds every JWT to PS256, ES256 or
 * EdDSA, and an API may have its tokens signed with RS256. Opaque tokens are
 * not signed, so any API with them is fine.
 */
export function fapi2ResourceProblem(resource: Pick<Resource, 'tokenFormat' | 'signingAlg'>): string | null {
  if (resource.tokenFormat !== 'jwt' || (FAPI2_JWS_ALGORITHMS as readonly string[]).includes(resource.signingAlg)) return null;
  return `the ${FAPI2} allows JWTs signed with PS256, ES256 or EdDSA only (§5.4.1), not ${resource.signingAlg}`;
}

/** An API whose JWT access tokens a client under the profile could not get, with the reason. */
export interface NonConformingResource {
  id: string;
  identifier: string;
  problem: string;
}

/** Every API a server-wide profile cannot issue tokens for (RS256 JWT access tokens): the server refuses to start with any. */
export async function nonConformingResources(resources: Pick<ResourceStore, 'list'>): Promise<NonConformingResource[]> {
  const found: NonConformingResource[] = [];
  let cursor: string | undefined;
  do {
    const page = await resources.list({ limit: 200, ...(cursor !== undefined && { cursor }) });
    for (const resource of page.items) {
      const problem = fapi2ResourceProblem(resource);
      if (problem !== null) found.push({ id: resource.id, identifier: resource.identifier, problem });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return found;
}

/** A client the profile holds that cannot meet it, with the reasons. */
export interface NonConformingClient {
  id: string;
  name: string;
  problems: string[];
}

/**
 * The active clients under the profile that cannot meet it (a client secret,
 * a public client, the password grant, RS256 ID tokens): every endpoint refuses
 * them, with a description naming the profile. Logged when the server starts
 * with `SECURITY_PROFILE=fapi2`, so an operator sees whom to register again.
 */
export async function nonConformingClients(clients: Pick<ClientStore, 'list'>, profiles: SecurityProfiles): Promise<NonConformingClient[]> {
  const found: NonConformingClient[] = [];
  let cursor: string | undefined;
  do {
    const page = await clients.list({ status: 'active', limit: 200, ...(cursor !== undefined && { cursor }) });
    for (const client of page.items) {
      if (!profiles.fapi2(client)) continue;
      const problems = fapi2RegistrationProblems(client);
      if (problems.length > 0) found.push({ id: client.id, name: client.name, problems: problems.map((p) => p.message) });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return found;
}
