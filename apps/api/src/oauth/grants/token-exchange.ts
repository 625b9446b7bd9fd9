import { TOKEN_EXCHANGE_GRANT, type Actor, type Client, type Resource, type Storage, type Token, type User } from '../../storage/types.js';
import { InvalidRequest, InvalidScope, InvalidTarget, UnauthorizedClient } from '../errors.js';
import { decideScope } from '../helpers/scope.js';
import type { ResourceIndicators } from '../resources/indicators.js';
import { scopesForResource } from '../resources/indicators.js';
import { ACCESS_TOKEN_TYPE, type TokenIssuer } from '../tokens/issue.js';
import { findToken, isActive } from '../tokens/lookup.js';
import { refreshReuse } from '../tokens/refresh-reuse.js';
import type { SecurityProfiles } from '../profile/fapi2.js';
import { verifyOwnIdToken } from '../tokens/id-token-hint.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import type { Grant } from './grant.js';

export interface TokenExchangeGrantDeps {
  storage: Storage;
  issuer: TokenIssuer;
  indicators: ResourceIndicators;
  keys: SigningKeys;
  /** The issuer identifier our ID tokens carry. */
  issuerId: string;
  /** `REFRESH_TOKEN_REUSE_GRACE` in seconds, as for the refresh grant. */
  reuseGraceSeconds?: number;
  profiles?: SecurityProfiles;
}

/** RFC 8693 §3's token type identifiers this server reads. */
export const TOKEN_TYPES = {
  accessToken: ACCESS_TOKEN_TYPE,
  refreshToken: 'urn:ietf:params:oauth:token-type:refresh_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;

/** What a subject or actor token stands for, once verified. */
interface Presented {
  /** The token's row; null for an ID token, which has none. */
  token: Token | null;
  type: string;
  /** The client it was issued to. */
  clientId: string;
  user: User | null;
  scopes: string[];
  audience: string[];
  actor: Actor | null;
  expiresAt: number;
  /**
   * A refresh token already exchanged for its successor: refused, and once the
   * presenting client is found entitled to it, treated as the refresh grant
   * treats its reuse (see `refused`).
   */
  rotated: boolean;
}

/**
 * RFC 8693 token exchange: a client presents a token (`subject_token`) and,
 * for delegation, its own token (`actor_token`), and gets an access token for
 * the same subject, for the API it names, with at most the subject's scopes.
 *
 * Policy (the client's `tokenExchange`): it may exchange its own tokens, tokens
 * meant for the API it serves, and tokens of the clients its policy names; for
 * any API it may ask for (`allowedResources`); without an actor only when its
 * policy allows impersonation. The actor token must be the client's own: a
 * client acts for itself, never in another's name.
 *
 * Only a confidential client exchanges (RFC 8693 §5): a public client's id
 * proves nothing, so anyone holding one of its tokens (an API it called, a
 * page that saw its ID token) could otherwise turn it into a token for
 * another API.
 *
 * Invalid or unacceptable subject and actor tokens are `invalid_request`, as
 * §2.2.2 requires; an API the client may not have is `invalid_target`.
 * Only access tokens are issued: the exchanged token is a child of its subject
 * (revoking the subject revokes it) and never outlives it.
 *
 * A rotated refresh token is refused, and, as at the refresh grant (RFC 9700
 * §4.14.2), presenting it is reuse: outside the grace of its client
 * (`REFRESH_TOKEN_REUSE_GRACE`, FAPI 2.0's) or once a successor was used, its
 * whole family is revoked. Only once the presenter is found entitled to it (the
 * policy lets it exchange that token, and it proved the token's DPoP key): a
 * token nobody else could use revokes nothing, as at the refresh grant.
 */
export function tokenExchangeGrant(deps: TokenExchangeGrantDeps): Grant {
  const { storage, issuer, indicators } = deps;
  const reuse = refreshReuse(deps);

  /** Reads a token of ours, or throws `invalid_request` naming `role` (subject or actor). */
  async function present(role: 'subject' | 'actor', value: string, type: string, now: number): Promise<Presented> {
    // The token types of RFC 8693 §3 are URNs, as are SAML's and any other registered one: no other URI is taken for one.
    if (!/^urn:/i.test(type)) throw new InvalidRequest(`${role}_token_type is not a token type URI (RFC 8693 §3).`);
    if (type === TOKEN_TYPES.idToken) return idToken(role, value, now);
    if (type !== TOKEN_TYPES.accessToken && type !== TOKEN_TYPES.refreshToken && type !== TOKEN_TYPES.jwt) {
      throw new InvalidRequest(`This server does not accept ${role} tokens of type ${type.slice(0, 100)}.`);
    }
    const token = await findToken(storage, value);
    const wanted = type === TOKEN_TYPES.refreshToken ? 'refresh' : 'access';
    // A JWT token type is accepted for our own JWT access tokens: tokens of other issuers are not trusted here.
    if (!token || token.kind !== wanted || (type === TOKEN_TYPES.jwt && !value.startsWith('eyJ'))) {
      throw new InvalidRequest(`The ${role}_token is not a token this server issued, or not of its ${role}_token_type.`, `${role}: unknown`);
    }
    const rotated = token.kind === 'refresh' && token.rotatedAt !== null;
    if (!isActive(token, now) && !rotated) throw new InvalidRequest(`The ${role}_token is expired or revoked.`, `${role}: inactive`);
    const owner = await storage.clients.get(token.clientId);
    if (!owner || owner.status !== 'active') throw new InvalidRequest(`The ${role}_token's client is revoked.`, `${role}: client gone`);
    const user = token.userId === null ? null : await storage.users.get(token.userId);
    if (token.userId !== null && (!user || user.disabledAt !== null)) throw new InvalidRequest(`The ${role}_token's user can no longer sign in.`);
    return { token, type, clientId: token.clientId, user, scopes: token.scopes, audience: token.audience, actor: token.actor, expiresAt: token.expiresAt, rotated };
  }

  /**
   * One of our ID tokens, unexpired, while the user still has a live token of
   * the client it was issued to: that user and client; its scopes are that
   * user's consent to that client.
   */
  async function idToken(role: 'subject' | 'actor', value: string, now: number): Promise<Presented> {
    const claims = await verifyOwnIdToken(deps.keys, deps.issuerId, value, new Date(now));
    if (!claims || claims.exp === undefined) {
      throw new InvalidRequest(`The ${role}_token is not a valid, unexpired ID token from this server.`, `${role}: bad id token`);
    }
    const [user, owner] = await Promise.all([storage.users.get(claims.sub), storage.clients.get(claims.aud)]);
    if (!user || user.disabledAt !== null) throw new InvalidRequest(`The ${role}_token's user can no longer sign in.`);
    if (!owner || owner.status !== 'active') throw new InvalidRequest(`The ${role}_token's client is revoked.`);
    // An ID token cannot be revoked: it counts only while the grant it came with lives (a live token of that user and
    // client), so removing the application's access or revoking the user's tokens ends what it can be exchanged for.
    const live = await storage.tokens.list({ userId: user.id, clientId: owner.id, activeAt: now, limit: 1 });
    if (live.items.length === 0) throw new InvalidRequest(`The ${role}_token's grant was revoked or has ended.`, `${role}: no live grant`);
    const consent = await storage.consents.find(user.id, owner.id);
    return {
      token: null, type: TOKEN_TYPES.idToken, clientId: owner.id, user, scopes: consent?.scopes ?? ['openid'], audience: [], actor: null,
      expiresAt: claims.exp * 1000, rotated: false,
    };
  }

  /**
   * A token bound to a DPoP key (RFC 9449) is worth nothing without that key: the client it was issued to, which holds
   * the key, exchanges it only with a proof of it, so a stolen one cannot be traded for a token bound to another key or
   * to none (SECURITY 45). Another client the policy lets exchange it (the API it was sent to) holds no such key.
   */
  function provesKey(client: Client, proved: string | null, role: 'subject' | 'actor', presented: Presented) {
    const bound = presented.token?.dpopJkt ?? null;
    if (bound === null || presented.clientId !== client.id || proved === bound) return;
    throw new InvalidRequest(`The ${role}_token is bound to a DPoP key: send a DPoP proof of that key.`, `${role}: dpop key not proved`);
  }

  /**
   * A rotated refresh token, presented by a client entitled to it: within the grace of the client it was issued to and
   * while no successor of it has been used, a retry (refused, nothing revoked); otherwise reuse, and its family is revoked.
   * `rotate` on a rotated token changes nothing but its last use: it only tells a retry from a reuse, as at the refresh grant.
   */
  async function refuseRotated(client: Client, role: 'subject' | 'actor', presented: Presented, sourceAddress: string, now: number): Promise<void> {
    const token = presented.token;
    if (!presented.rotated || token === null) return;
    const owner = await storage.clients.get(token.clientId);
    const graceMs = owner ? reuse.graceMs(owner) : 0;
    const retry = reuse.withinGrace(token, now, graceMs) && (await storage.tokens.rotate(token.id, now, graceMs)).status === 'retried';
    if (!retry) await reuse.revokeReused(token, { clientId: client.id, sourceAddress, grantType: TOKEN_EXCHANGE_GRANT }, now);
    throw new InvalidRequest(`The ${role}_token is expired or revoked.`, `${role}: rotated refresh token${retry ? ' within the grace' : ', family revoked'}`);
  }

  /** The default policy and the client's own: whose tokens this client may exchange. */
  async function mayExchange(client: Client, subject: Presented): Promise<boolean> {
    if (subject.clientId === client.id || client.tokenExchange.subjectClients.includes(subject.clientId)) return true;
    if (client.resourceId === null || subject.audience.length === 0) return false;
    const served = await storage.resources.get(client.resourceId);
    return served !== null && subject.audience.includes(served.identifier);
  }

  return {
    grantType: TOKEN_EXCHANGE_GRANT,
    async handle(client, req, target) {
      if (client.tokenEndpointAuthMethod === 'none') throw new UnauthorizedClient('Token exchange needs a confidential client (RFC 8693 §5).');
      const p = (name: string) => req.params.get(name);
      const subjectValue = p('subject_token');
      const subjectType = p('subject_token_type');
      if (subjectValue === undefined) throw new InvalidRequest('The subject_token parameter is missing.');
      if (subjectType === undefined) throw new InvalidRequest('The subject_token_type parameter is missing.');
      const actorValue = p('actor_token');
      const actorType = p('actor_token_type');
      if (actorValue !== undefined && actorType === undefined) throw new InvalidRequest('actor_token_type is required with actor_token.');
      if (actorValue === undefined && actorType !== undefined) throw new InvalidRequest('actor_token_type is sent only with actor_token.');
      const requestedType = p('requested_token_type');
      if (requestedType !== undefined && requestedType !== TOKEN_TYPES.accessToken && requestedType !== TOKEN_TYPES.jwt) {
        throw new InvalidRequest('Token exchange here issues access tokens only: ask for urn:ietf:params:oauth:token-type:access_token.');
      }

      const now = Date.now();
      const subject = await present('subject', subjectValue, subjectType, now);
      if (!(await mayExchange(client, subject))) {
        throw new InvalidRequest('This client may not exchange tokens issued to that client.', `subject of client ${subject.clientId}`);
      }
      provesKey(client, req.dpop?.jkt ?? null, 'subject', subject);
      await refuseRotated(client, 'subject', subject, req.sourceAddress, now);
      let actor: Actor | null = subject.actor;
      if (actorValue !== undefined) {
        const presented = await present('actor', actorValue, actorType!, now);
        if (presented.clientId !== client.id) throw new InvalidRequest('The actor_token must be one issued to this client.', `actor of client ${presented.clientId}`);
        provesKey(client, req.dpop?.jkt ?? null, 'actor', presented);
        await refuseRotated(client, 'actor', presented, req.sourceAddress, now);
        actor = { sub: presented.user?.id ?? presented.clientId, client_id: presented.clientId, ...(subject.actor && { act: subject.actor }) };
      } else if (!client.tokenExchange.impersonation) {
        throw new InvalidRequest('This client may exchange tokens only with an actor_token (delegation).');
      }

      const resource = await chooseResource(client, p('audience'), req.resources, target);
      if (requestedType === TOKEN_TYPES.jwt && resource?.tokenFormat !== 'jwt') {
        throw new InvalidRequest('Only an API whose tokens are JWTs gets a JWT: ask for an access token.');
      }
      const requested = p('scope');
      const decision = decideScope(requested, subject.scopes);
      if (!decision.ok) throw new InvalidScope(decision.reason.replace('for this client', 'by the subject token'));
      const scopes = scopesForResource(decision.scopes, resource, requested !== undefined);

      const minted = await issuer.mintExchanged({
        client, user: subject.user, subjectClientId: subject.clientId, scopes, resource, sourceAddress: req.sourceAddress, actor, dpopJkt: req.dpop?.jkt ?? null,
        parent: subject.token && { id: subject.token.id, familyId: subject.token.familyId ?? (subject.token.kind === 'refresh' ? subject.token.id : null), codeId: subject.token.codeId },
        notAfter: subject.expiresAt,
      }, now);
      const issued = minted.tokens[0]!;
      await storage.transaction(async (tx) => {
        await issuer.store(tx, minted);
        await tx.audit.append({
          at: now, actorType: 'client', actorId: client.id, action: 'token.exchange', targetType: 'token', targetId: issued.id,
          sourceAddress: req.sourceAddress,
          details: {
            subject_token_id: subject.token?.id ?? null, subject_token_type: subject.type, subject_client_id: subject.clientId,
            ...(subject.user && { user_id: subject.user.id }), ...(actor && { act: actor }),
            ...(resource && { audience: resource.identifier }), scope: minted.scopes.join(' '),
          },
        });
      });
      issuer.issued(TOKEN_EXCHANGE_GRANT);
      return minted.body;
    },
  };

  /** `audience` names an API by its identifier, like `resource` (RFC 8693 §2.1); both must then name the same one. */
  async function chooseResource(client: Client, audience: string | undefined, resources: readonly string[], target: { choose(grant: null): Promise<Resource | null> }) {
    if (audience === undefined) return target.choose(null);
    const [named] = await indicators.named(client, [audience]).catch((error: unknown) => {
      if (error instanceof InvalidTarget) throw new InvalidTarget(error.message.replace('A resource parameter', 'The audience parameter'), error.detail);
      throw error;
    });
    if (resources.length > 0 && !resources.includes(audience)) throw new InvalidTarget('audience and resource name different APIs: each token is for one.');
    return named!;
  }
}
