import { hashPassword } from '../crypto/password.js';
import type { Session, Storage, User } from '../storage/types.js';
import { endSessions } from '../oauth/logout/end-sessions.js';

/** Who acts on the account page: always the signed-in user, from their address. */
export interface AccountActor {
  user: User;
  sourceAddress: string | null;
}

/** An application that can act for the user: by a remembered consent, by live tokens, or both. */
export interface Application {
  clientId: string;
  name: string;
  siteUrl: string | null;
  consentId: string | null;
  /** Granted by the consent or carried by a live token. */
  scopes: string[];
  /** Identifiers of the APIs its live tokens are for. */
  apis: string[];
  since: number;
}

const TOKEN_PAGES = 10;

/**
 * The applications with access to the user's account: every live consent,
 * and every client holding a live token of the user without one (the user
 * allowed it once without "remember").
 */
export async function applicationsOf(storage: Storage, userId: string, now = Date.now()): Promise<Application[]> {
  const byClient = new Map<string, Omit<Application, 'name' | 'siteUrl'>>();
  let cursor: string | undefined;
  do {
    const page = await storage.consents.list({ userId, limit: 100, cursor });
    for (const consent of page.items) {
      if (consent.revokedAt !== null) continue;
      byClient.set(consent.clientId, { clientId: consent.clientId, consentId: consent.id, scopes: [...consent.scopes], apis: [], since: consent.createdAt });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  // Bounded: a user's live tokens are few, and the page should not wait on a pathological account.
  for (let i = 0; i < TOKEN_PAGES; i += 1) {
    const page = await storage.tokens.list({ userId, activeAt: now, limit: 100, cursor });
    for (const token of page.items) {
      const app = byClient.get(token.clientId) ?? { clientId: token.clientId, consentId: null, scopes: [], apis: [], since: token.createdAt };
      for (const scope of token.scopes) if (!app.scopes.includes(scope)) app.scopes.push(scope);
      for (const api of token.audience) if (!app.apis.includes(api)) app.apis.push(api);
      app.since = Math.min(app.since, token.createdAt);
      byClient.set(token.clientId, app);
    }
    cursor = page.nextCursor ?? undefined;
    if (!cursor) break;
  }
  const apps = await Promise.all([...byClient.values()].map(async (app) => {
    const client = await storage.clients.get(app.clientId);
    return client ? { ...app, name: client.name, siteUrl: client.siteUrl } : null;
  }));
  return apps.filter((app) => app !== null).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Removes an application's access: its consent revoked and every token the
 * user's grants gave it (refresh and access) with it, in one transaction,
 * audited. False when it had no access to remove.
 */
export async function removeAccess(storage: Storage, actor: AccountActor, clientId: string, now = Date.now()): Promise<boolean> {
  return storage.transaction(async (tx) => {
    const consent = await tx.consents.find(actor.user.id, clientId);
    const revokedConsent = consent !== null && (await tx.consents.revoke(consent.id, now));
    const revokedTokens = await tx.tokens.revokeByUserAndClient(actor.user.id, clientId, now);
    if (!revokedConsent && revokedTokens === 0) return false;
    await tx.audit.append({
      at: now, actorType: 'user', actorId: actor.user.id, action: 'user.access_remove', targetType: 'client', targetId: clientId,
      sourceAddress: actor.sourceAddress, details: { consent_id: revokedConsent ? consent.id : null, revoked_tokens: revokedTokens },
    });
    return true;
  });
}

/**
 * Ends the given sessions of the user (never anyone else's), audited as
 * `user.logout` when it is the browser's own session, else `user.session_end`;
 * returns how many ended.
 */
export async function endUserSessions(storage: Storage, actor: AccountActor, sessions: Session[], thisBrowser: boolean, now = Date.now()): Promise<number> {
  return storage.transaction(async (tx) => {
    // Through the one function every session end takes: the applications hear of it by back-channel logout.
    const ended = (await endSessions(tx, { userId: actor.user.id, ids: sessions.map((s) => s.id) }, 'account', now)).sessionIds.length;
    if (ended > 0) {
      const entry = {
        at: now, actorType: 'user' as const, actorId: actor.user.id, targetType: 'user', targetId: actor.user.id,
        sourceAddress: actor.sourceAddress, details: { ended_sessions: ended, via: 'account' },
      };
      await tx.audit.append(thisBrowser ? { ...entry, action: 'user.logout' } : { ...entry, action: 'user.session_end' });
    }
    return ended;
  });
}

/**
 * Sets a new password (the current one was checked by the caller) and ends
 * every other session of the user: whoever knew the old password is signed
 * out. Applications' tokens are kept; the page says how to remove them.
 */
export async function changePassword(storage: Storage, actor: AccountActor, current: Session, password: string, now = Date.now()): Promise<number> {
  const passwordHash = await hashPassword(password);
  return storage.transaction(async (tx) => {
    await tx.users.update(actor.user.id, { passwordHash, passwordMustChange: false }, now);
    const ended = (await endSessions(tx, { userId: actor.user.id, exceptId: current.id }, 'password_change', now)).sessionIds.length;
    await tx.audit.append({
      at: now, actorType: 'user', actorId: actor.user.id, action: 'user.password_change', targetType: 'user', targetId: actor.user.id,
      sourceAddress: actor.sourceAddress, details: { ended_sessions: ended, via: 'account' },
    });
    return ended;
  });
}
