import type { Client, Resource, Storage } from '../../storage/types.js';
import { INTERACTIONS_SCOPE } from '../helpers/scope.js';
import { InvalidScope, InvalidTarget } from '../errors.js';
import { CLIENT_PROFILES_ONLY, fapi2ResourceProblem, type SecurityProfiles } from '../profile/fapi2.js';

/** How long a `resource` value may be; identifiers registered are no longer. */
export const MAX_RESOURCE_LENGTH = 2048;

/** RFC 3986 §4.3 absolute-URI: a scheme, a colon, then printable ASCII with no fragment (anything else a URI holds percent-encoded). */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x22\x24-\x7e]+$/;

/**
 * OpenID Connect's scopes, about the user rather than an API: an access token
 * for any API may carry them (userinfo answers whatever the audience).
 * `oauth-admin` is not among them: no API's token may carry it unless the API lists it.
 */
export const SERVER_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/** Why a `resource` value is no RFC 8707 §2 resource indicator, or null when it is one. */
export function resourceValueProblem(value: string): string | null {
  if (value.length > MAX_RESOURCE_LENGTH) return `is longer than ${MAX_RESOURCE_LENGTH} characters`;
  if (value.includes('#')) return 'has a fragment, which RFC 8707 forbids';
  if (!ABSOLUTE_URI.test(value) || !URL.canParse(value)) return 'is not an absolute URI';
  return null;
}

const mayAsk = (client: Client, resource: Resource) => client.allowedResources === null || client.allowedResources.includes(resource.id);

/**
 * Decides, in one place for every grant and the authorization endpoint, which
 * APIs (RFC 8707 resources) a request is for:
 * - an authorization request may name several; its grant covers them all;
 * - each access token is for exactly one: a token request names at most one,
 *   which must be in the grant; a grant of one API needs no name; a grant of
 *   several does;
 * - a request naming none gets the default API when there is one (never for
 *   the server's own clients, the console), else no audience, as before APIs
 *   existed; a client restricted to some APIs must name one unless the default
 *   is among them;
 * - a client under the FAPI 2.0 Security Profile gets no API whose JWT access
 *   tokens are signed with RS256 (§5.4.1), named or default: `invalid_target`
 *   before anyone signs in, and at every token request.
 * Every answer checks the client's registration as it is now (SECURITY 41).
 */
export class ResourceIndicators {
  constructor(private readonly storage: Pick<Storage, 'resources'>, private readonly profiles: SecurityProfiles = CLIENT_PROFILES_ONLY) {}

  /** `resource`, when the client may get tokens for it under its security profile; `invalid_target` otherwise. */
  private usable(client: Client, resource: Resource): Resource {
    const problem = this.profiles.fapi2(client) ? fapi2ResourceProblem(resource) : null;
    if (problem !== null) {
      throw new InvalidTarget(`This client may not get tokens for the API ${resource.identifier}, which signs its JWT access tokens with ${resource.signingAlg}: ${problem}.`, `fapi2: resource ${resource.id} signs with ${resource.signingAlg}`);
    }
    return resource;
  }

  /** The APIs `values` name, once each: each well-formed, known and open to the client, else `invalid_target`. */
  async named(client: Client, values: readonly string[]): Promise<Resource[]> {
    const found: Resource[] = [];
    for (const value of new Set(values)) {
      // A known identifier was checked when the API was registered: only a miss needs the grammar's verdict.
      const resource = value.length <= MAX_RESOURCE_LENGTH ? await this.storage.resources.getByIdentifier(value) : null;
      const problem = resource ? null : resourceValueProblem(value);
      if (problem !== null) throw new InvalidTarget(`A resource parameter ${problem}.`);
      if (!resource) throw new InvalidTarget('A resource parameter names no API this server knows.', `unknown resource ${value.slice(0, 200)}`);
      if (!mayAsk(client, resource)) throw new InvalidTarget('This client may not ask for tokens for that API.', `resource ${resource.id} not allowed`);
      found.push(this.usable(client, resource));
    }
    return found;
  }

  /** The API of a request that names none: the default, or none; `invalid_target` for a restricted client with neither. */
  async unnamed(client: Client): Promise<Resource | null> {
    // The console, and a login app's client (oauth-interactions), ask for tokens for Tollgate itself.
    if (client.system || client.scopes.includes(INTERACTIONS_SCOPE)) return null;
    const fallback = await this.storage.resources.getDefault();
    if (fallback && mayAsk(client, fallback)) return this.usable(client, fallback);
    if (client.allowedResources !== null) throw new InvalidTarget('This client may only ask for certain APIs: name one with the resource parameter.');
    return null;
  }

  /** The APIs an authorization request's grant will cover. */
  async forAuthorization(client: Client, values: readonly string[]): Promise<Resource[]> {
    if (values.length > 0) return this.named(client, values);
    const fallback = await this.unnamed(client);
    return fallback ? [fallback] : [];
  }

  /**
   * The one API an access token is for, or null for none. `named`: the API
   * the request named, already checked by {@link named}. `grant`: the
   * identifiers the code or refresh token covers; null for a grant of its
   * own (client credentials), where any API open to the client may be named.
   */
  async forToken(client: Client, named: Resource | null, grant: readonly string[] | null): Promise<Resource | null> {
    if (grant === null) return named ?? this.unnamed(client);
    if (named) {
      if (!grant.includes(named.identifier)) throw new InvalidTarget('That API is not one this grant was made for.');
      return named;
    }
    if (grant.length > 1) throw new InvalidTarget('This grant covers several APIs: name one of them with the resource parameter.');
    if (grant.length === 0) {
      if (client.allowedResources !== null) throw new InvalidTarget('This client may only ask for certain APIs, and this grant names none.');
      return null;
    }
    const [only] = await this.named(client, grant).catch(() => {
      throw new InvalidTarget('The API this grant was made for no longer exists or is no longer open to this client.');
    });
    return only!;
  }
}

/**
 * What a token request's `resource` parameters ask for, checked once by the
 * token endpoint for every grant: `choose` gives the one API of the token.
 */
export interface ResourceTarget {
  /** `grant`: the identifiers of the code's or refresh token's APIs; null for a grant of its own (client credentials). */
  choose(grant: readonly string[] | null): Promise<Resource | null>;
}

/** Checks a token request's `resource` parameters now (`invalid_target`), leaving the choice against the grant to `choose`. */
export async function resourceTarget(indicators: ResourceIndicators, client: Client, values: readonly string[]): Promise<ResourceTarget> {
  if (new Set(values).size > 1) throw new InvalidTarget('Name one resource: each access token is for one API.');
  const [named] = await indicators.named(client, values);
  return { choose: (grant) => indicators.forToken(client, named ?? null, grant) };
}

/**
 * The scopes an access token for `resource` carries: those the API accepts
 * and the server's own. `explicit`: the client asked for these scopes by name,
 * so one the API does not accept is `invalid_scope`; otherwise (the client's
 * defaults, a grant's scopes) the others are left out.
 */
export function scopesForResource(scopes: readonly string[], resource: Resource | null, explicit: boolean): string[] {
  if (resource === null) return [...scopes];
  const accepted = (scope: string) => SERVER_SCOPES.has(scope) || resource.scopes.includes(scope);
  if (explicit) {
    const refused = scopes.filter((scope) => !accepted(scope));
    if (refused.length > 0) throw new InvalidScope(`Scope not accepted by the API ${resource.identifier}: ${refused.join(' ')}.`);
  }
  return scopes.filter(accepted);
}

/** The scopes an authorization request for these APIs may hold: those at least one of them accepts, and the server's own. */
export function scopesForResources(scopes: readonly string[], resources: readonly Resource[], explicit: boolean): string[] {
  if (resources.length === 0) return [...scopes];
  const accepted = (scope: string) => SERVER_SCOPES.has(scope) || resources.some((r) => r.scopes.includes(scope));
  if (explicit) {
    const refused = scopes.filter((scope) => !accepted(scope));
    if (refused.length > 0) throw new InvalidScope(`Scope not accepted by the APIs asked for: ${refused.join(' ')}.`);
  }
  return scopes.filter(accepted);
}
