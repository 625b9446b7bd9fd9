import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomSecret, sha256 } from '../crypto/random.js';
import { endSessions, type SessionsEnded } from '../oauth/logout/end-sessions.js';
import { hasUnstorableCharacters } from '../storage/text.js';
import type { Session, SessionEndReason, Storage, Stores, User } from '../storage/types.js';
import { clearCookie, cookieName, readCookie, setCookie, type CookiePolicy } from './cookies.js';

/** A session's last use is recorded to within this, so a busy browser does not write on every request. */
export const LAST_USE_GRANULARITY_MS = 60_000;

/**
 * What a page may name a session by: derived from its stored hash, so it
 * cannot be turned back into the cookie, and means nothing outside the
 * signed-in user's own list.
 */
export function sessionReference(session: Pick<Session, 'idHash'>): string {
  return sha256(`session-reference:${session.idHash}`);
}

/** The User-Agent as the account page shows it: capped, and only what every store can keep. */
function storableUserAgent(req: IncomingMessage): string | null {
  const value = req.headers['user-agent']?.slice(0, 512) ?? '';
  return value === '' || hasUnstorableCharacters(value) ? null : value;
}

export interface SignedIn {
  session: Session;
  user: User;
}

/** End-user sessions: a random cookie value, stored as a hash with the user and when they signed in. */
export class Sessions {
  private readonly name: string;

  constructor(private readonly storage: Storage, private readonly ttlSeconds: number, private readonly policy: CookiePolicy) {
    this.name = cookieName('tg_session', policy);
  }

  /** The signed-in user, or null when there is no live session or the user was disabled since. */
  async current(req: IncomingMessage, now = Date.now()): Promise<SignedIn | null> {
    const idHash = this.idHash(req);
    if (!idHash) return null;
    const session = await this.storage.sessions.get(idHash, now);
    if (!session) return null;
    const user = await this.storage.users.get(session.userId);
    if (!user || user.disabledAt !== null) return null;
    if (now - (session.lastUsedAt ?? session.createdAt) >= LAST_USE_GRANULARITY_MS) await this.storage.sessions.touch(session.idHash, now, LAST_USE_GRANULARITY_MS);
    return { session, user };
  }

  /**
   * Signs the user in with a fresh session id, ending the browser's previous
   * session (no fixation; its applications hear of it by back-channel logout).
   * `amr`: how they authenticated (RFC 8176), a password by default;
   * `authTime`: when, if not now (a host application's sign-in it reports).
   */
  async start(req: IncomingMessage & { clientAddress?: string }, res: ServerResponse, user: User, now = Date.now(), amr: string[] = ['pwd'], authTime = now): Promise<Session> {
    const value = randomSecret('tg_s_');
    const previous = this.idHash(req);
    const session = await this.storage.transaction(async (tx) => {
      if (previous) await endSessions(tx, { idHash: previous }, 'signin', now);
      return tx.sessions.create({
        idHash: sha256(value), userId: user.id, authTime, amr, createdAt: now, expiresAt: now + this.ttlSeconds * 1000,
        userAgent: storableUserAgent(req), sourceAddress: req.clientAddress ?? null, lastUsedAt: now,
      });
    });
    setCookie(res, this.name, value, this.policy, this.ttlSeconds);
    return session;
  }

  /**
   * Records a new authentication on the session: a second factor or a step-up
   * (`amr` grows), or a re-entered password (`authTime` moves, `amr` starts
   * again). The privilege changes, so the cookie does too (OWASP Session
   * Management: renew the id on any privilege change): a value someone
   * planted or read before is worth nothing afterwards. The public id (`sid`)
   * stays: it names this sign-in to applications, which it still is.
   * The new cookie is sent on `res`; `req` still carries the old one, so read
   * the session from `session`, not from `current(req)`, until the response.
   */
  async update(res: ServerResponse, session: Session, amr: string[], authTime?: number, now = Date.now()): Promise<boolean> {
    const value = randomSecret('tg_s_');
    const updated = await this.storage.sessions.update(session.idHash, { amr, ...(authTime !== undefined && { authTime }), newIdHash: sha256(value) });
    if (updated) setCookie(res, this.name, value, this.policy, Math.max(1, Math.ceil((session.expiresAt - now) / 1000)));
    return updated;
  }

  /**
   * Ends this browser's session through `endSessions` and clears its cookie;
   * `also` runs in the same transaction (the caller's audit entry).
   */
  async end(req: IncomingMessage, res: ServerResponse, reason: SessionEndReason, also?: (tx: Stores, ended: SessionsEnded) => Promise<void>): Promise<SessionsEnded> {
    const idHash = this.idHash(req);
    const ended = idHash
      ? await this.storage.transaction(async (tx) => {
        const result = await endSessions(tx, { idHash }, reason);
        await also?.(tx, result);
        return result;
      })
      : { sessionIds: [], logoutsQueued: 0 };
    clearCookie(res, this.name, this.policy);
    return ended;
  }

  private idHash(req: IncomingMessage): string | null {
    const value = readCookie(req, this.name);
    return value && value.startsWith('tg_s_') ? sha256(value) : null;
  }
}
