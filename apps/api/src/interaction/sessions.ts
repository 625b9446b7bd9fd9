import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomSecret, sha256 } from '../crypto/random.js';
import type { Session, Storage, User } from '../storage/types.js';
import { clearCookie, cookieName, readCookie, setCookie, type CookiePolicy } from './cookies.js';

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
    const value = readCookie(req, this.name);
    if (!value || !value.startsWith('tg_s_')) return null;
    const session = await this.storage.sessions.get(sha256(value), now);
    if (!session) return null;
    const user = await this.storage.users.get(session.userId);
    if (!user || user.disabledAt !== null) return null;
    return { session, user };
  }

  /**
   * Signs the user in with a fresh session id, ending the browser's previous
   * session (no fixation). `amr`: how they authenticated (RFC 8176), a password by default.
   */
  async start(req: IncomingMessage, res: ServerResponse, user: User, now = Date.now(), amr: string[] = ['pwd']): Promise<Session> {
    await this.endStored(req);
    const value = randomSecret('tg_s_');
    const session: Session = { idHash: sha256(value), userId: user.id, authTime: now, amr, createdAt: now, expiresAt: now + this.ttlSeconds * 1000 };
    await this.storage.sessions.create(session);
    setCookie(res, this.name, value, this.policy, this.ttlSeconds);
    return session;
  }

  /**
   * Records a new authentication on the session: a second factor (`amr`
   * grows), or a re-entered password (`authTime` moves, `amr` starts again).
   */
  async update(session: Session, amr: string[], authTime?: number): Promise<void> {
    await this.storage.sessions.update(session.idHash, { amr, ...(authTime !== undefined && { authTime }) });
  }

  async end(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await this.endStored(req);
    clearCookie(res, this.name, this.policy);
  }

  private async endStored(req: IncomingMessage) {
    const value = readCookie(req, this.name);
    if (value && value.startsWith('tg_s_')) await this.storage.sessions.delete(sha256(value));
  }
}
