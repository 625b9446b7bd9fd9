import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { LAST_USE_GRANULARITY_MS, sessionReference, Sessions } from '../../src/interaction/sessions.js';
import { aUser } from '../../src/storage/contract/fixtures.js';
import { backends } from '../support/databases.js';
import { freshStorage } from '../support/storage.js';

/**
 * End-user sessions on their own, against each database: the cookie that names
 * one, what `current` accepts, a fresh id at every sign-in and every change of
 * privilege (no fixation), and ending one.
 */

const NOW = 1_800_000_000_000;
const TTL = 3600;

/** A response that keeps its Set-Cookie headers. */
function response() {
  let cookies: string[] = [];
  const res = { getHeader: () => (cookies.length ? cookies : undefined), setHeader: (_: string, value: string[]) => { cookies = value; } } as unknown as ServerResponse;
  return { res, cookies: () => cookies, value: () => /^tg_session=([^;]*)/.exec(cookies.at(-1) ?? '')?.[1] };
}
const browser = (cookie?: string, headers: Record<string, string> = {}) =>
  Object.assign({ headers: { ...(cookie === undefined ? {} : { cookie: `tg_session=${cookie}` }), ...headers } }, { clientAddress: '198.51.100.4' }) as IncomingMessage & { clientAddress: string };

describe('sessionReference', () => {
  it('names a session on a page by a hash of its stored hash, fixed across versions (known answer)', () => {
    expect(sessionReference({ idHash: 'abc' })).toBe('1cz_OB0S6T936yBUHibADw_1wIVyeVixPL42n4UvGJM');
    expect(sessionReference({ idHash: 'abc' })).not.toBe(sha256('abc'));
  });
});

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`sessions on ${backend.name}`, () => {
    const storage = freshStorage(backend);
    const sessions = () => new Sessions(storage(), TTL, { secure: false });
    const newUser = () => storage().users.create(aUser(), NOW);

    it('starts a session: a tg_s_ cookie for its lifetime, stored only as a hash, with how and when the user signed in', async () => {
      const ada = await newUser();
      const { res, cookies, value } = response();
      const session = await sessions().start(browser(undefined, { 'user-agent': 'Firefox' }), res, ada, NOW, ['pwd', 'otp'], NOW - 5000);
      expect(cookies()).toEqual([expect.stringMatching(/^tg_session=tg_s_[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=3600$/)]);
      expect(session).toMatchObject({
        idHash: sha256(value()!), userId: ada.id, amr: ['pwd', 'otp'], authTime: NOW - 5000, createdAt: NOW, expiresAt: NOW + TTL * 1000,
        userAgent: 'Firefox', sourceAddress: '198.51.100.4', lastUsedAt: NOW,
      });
      expect(await sessions().current(browser(value()), NOW)).toMatchObject({ user: { id: ada.id }, session: { idHash: session.idHash } });
      // A password, now, by default.
      const plain = response();
      expect(await sessions().start(browser(), plain.res, ada, NOW)).toMatchObject({ amr: ['pwd'], authTime: NOW });
    });

    it('ends the browser\'s previous session when it signs in again: the old cookie signs no one in', async () => {
      const ada = await newUser();
      const first = response();
      await sessions().start(browser(), first.res, ada, NOW);
      const second = response();
      await sessions().start(browser(first.value()), second.res, ada, NOW);
      expect(second.value()).not.toBe(first.value());
      expect(await sessions().current(browser(first.value()), NOW)).toBeNull();
      expect(await sessions().current(browser(second.value()), NOW)).not.toBeNull();
    });

    it('keeps a User-Agent to 512 characters, and none that a store cannot keep', async () => {
      const ada = await newUser();
      const long = await sessions().start(browser(undefined, { 'user-agent': 'a'.repeat(600) }), response().res, ada, NOW);
      expect(long.userAgent).toBe('a'.repeat(512));
      expect((await sessions().start(browser(undefined, { 'user-agent': 'bad\u0000agent' }), response().res, ada, NOW)).userAgent).toBeNull();
      expect((await sessions().start(browser(undefined, { 'user-agent': '' }), response().res, ada, NOW)).userAgent).toBeNull();
      expect((await sessions().start(browser(), response().res, ada, NOW)).userAgent).toBeNull();
    });

    it('signs no one in without a cookie, with a value not of ours, after the session\'s end, or for a disabled user', async () => {
      const ada = await newUser();
      const started = response();
      await sessions().start(browser(), started.res, ada, NOW);
      expect(await sessions().current(browser(), NOW)).toBeNull();
      // A value not of ours costs no query.
      const lookups = vi.spyOn(storage().sessions, 'get');
      expect(await sessions().current(browser(started.value()!.replace('tg_s_', 'tg_x_')), NOW)).toBeNull();
      expect(lookups).not.toHaveBeenCalled();
      lookups.mockRestore();
      expect(await sessions().current(browser('tg_s_unknown'), NOW)).toBeNull();
      expect(await sessions().current(browser(started.value()), NOW + TTL * 1000)).toBeNull();
      expect(await sessions().current(browser(started.value()), NOW + TTL * 1000 - 1)).not.toBeNull();
      await storage().users.update(ada.id, { disabledAt: NOW }, NOW);
      expect(await sessions().current(browser(started.value()), NOW)).toBeNull();
    });

    it('records a use only once a minute has passed since the last', async () => {
      const ada = await newUser();
      const started = response();
      const { idHash } = await sessions().start(browser(), started.res, ada, NOW);
      const lastUse = async () => (await storage().sessions.get(idHash, NOW))!.lastUsedAt;
      // Not even a write the store would turn down.
      const touches = vi.spyOn(storage().sessions, 'touch');
      await sessions().current(browser(started.value()), NOW + LAST_USE_GRANULARITY_MS - 1);
      expect(touches).not.toHaveBeenCalled();
      touches.mockRestore();
      expect(await lastUse()).toBe(NOW);
      await sessions().current(browser(started.value()), NOW + LAST_USE_GRANULARITY_MS);
      expect(await lastUse()).toBe(NOW + LAST_USE_GRANULARITY_MS);
    });

    it('renews the cookie on a change of privilege, for the session\'s remaining life, keeping its public id', async () => {
      const ada = await newUser();
      const started = response();
      const session = await sessions().start(browser(), started.res, ada, NOW);
      const updated = response();
      expect(await sessions().update(updated.res, session, ['pwd', 'otp'], undefined, NOW + 1_000_500)).toBe(true);
      expect(updated.cookies()).toEqual([expect.stringMatching(/; Max-Age=2600$/)]);
      expect(await sessions().current(browser(started.value()), NOW)).toBeNull();
      const now = await sessions().current(browser(updated.value()), NOW);
      expect(now!.session).toMatchObject({ id: session.id, amr: ['pwd', 'otp'], authTime: NOW });
      // A re-entered password moves auth_time; a cookie near its end still lives a second.
      const again = response();
      expect(await sessions().update(again.res, now!.session, ['pwd'], NOW + 7, NOW + TTL * 1000 - 1)).toBe(true);
      expect(again.cookies()).toEqual([expect.stringMatching(/; Max-Age=1$/)]);
      expect((await sessions().current(browser(again.value()), NOW))!.session).toMatchObject({ amr: ['pwd'], authTime: NOW + 7 });
      // Even at its very end (a session outlives its cookie by nothing), never a Max-Age of 0, which would clear it.
      const atEnd = response();
      expect(await sessions().update(atEnd.res, (await sessions().current(browser(again.value()), NOW))!.session, ['pwd'], undefined, NOW + TTL * 1000)).toBe(true);
      expect(atEnd.cookies()).toEqual([expect.stringMatching(/; Max-Age=1$/)]);
      // A session ended meanwhile gets no cookie.
      const late = response();
      expect(await sessions().update(late.res, session, ['pwd'], undefined, NOW)).toBe(false);
      expect(late.cookies()).toEqual([]);
    });

    it('ends the browser\'s session, running the caller\'s work in the same transaction, and clears the cookie even without one', async () => {
      const ada = await newUser();
      const started = response();
      const session = await sessions().start(browser(), started.res, ada, NOW);
      const ended = response();
      let seen: string[] = [];
      const result = await sessions().end(browser(started.value()), ended.res, 'logout', async (_tx, done) => { seen = done.sessionIds; });
      expect(result.sessionIds).toEqual([session.id]);
      expect(seen).toEqual([session.id]);
      expect(ended.cookies()).toEqual(['tg_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0']);
      expect(await storage().sessions.get(session.idHash, NOW)).toBeNull();
      const none = response();
      expect(await sessions().end(browser(), none.res, 'logout')).toEqual({ sessionIds: [], logoutsQueued: 0 });
      expect(none.cookies()).toEqual(['tg_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0']);
    });
  });
}
