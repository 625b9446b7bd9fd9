import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../src/admin/audit/actions.js';
import { deleteUser } from '../../src/admin/users/service.js';
import { csvCell, EXPORT_PAGE_SIZE } from '../../src/admin/audit/export.js';
import { CONSOLE_CLIENT_ID } from '../../src/setup/bootstrap.js';
import type { User } from '../../src/storage/types.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';
import { csrfOf, locationPath, newBrowser, pkcePair, redirectParams, type Browser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic } from '../support/oauth-app.js';

const CONSOLE_CALLBACK = 'http://localhost:3000/console/callback';

/** Parses RFC 4180 CSV as the export writes it (every cell quoted or empty). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  return rows;
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`admin API names, the console's own activity, audit export and users on ${backend.name}`, () => {
    let t: AdminTestApp;
    beforeAll(async () => {
      t = await adminTestApp(backend);
    });
    afterAll(() => t?.close());

    /** A console sign-in in `browser`, through the login page the first time; returns its tokens. */
    async function consoleSignIn(browser: Browser, user: User) {
      const { verifier, challenge } = pkcePair();
      const query = new URLSearchParams({
        response_type: 'code', client_id: CONSOLE_CLIENT_ID, redirect_uri: CONSOLE_CALLBACK, scope: 'openid profile oauth-admin', state: 's',
        code_challenge: challenge, code_challenge_method: 'S256',
      });
      let res = await browser.get(`/oauth/authorize?${query}`);
      for (let step = 0; step < 5 && !res.headers.location?.startsWith(CONSOLE_CALLBACK); step++) {
        expect(res.status, res.text).toBe(303);
        const path = locationPath(res.headers.location!);
        const page = await browser.get(path);
        if (page.status === 303) {
          res = page;
          continue;
        }
        res = page.text.includes('name="decision"')
          ? await browser.post(`${path}/consent`).type('form').send({ csrf: csrfOf(page.text), decision: 'allow' })
          : await browser.post(`${path}/login`).type('form').send({ csrf: csrfOf(page.text), username: user.username, password: 'correct horse battery' });
      }
      const code = redirectParams(res.headers.location!).get('code')!;
      const tokens = await t.http.post('/oauth/token').type('form').send(new URLSearchParams({
        grant_type: 'authorization_code', code, redirect_uri: CONSOLE_CALLBACK, code_verifier: verifier, client_id: CONSOLE_CLIENT_ID,
      }).toString());
      expect(tokens.status, tokens.text).toBe(200);
      return tokens.body as { access_token: string; refresh_token: string };
    }
    const liveConsoleTokens = async (userId: string) => (await t.storage.tokens.list({ userId, clientId: CONSOLE_CLIENT_ID, activeAt: Date.now(), limit: 200 })).items;
    const introspect = async (token: string, client: { id: string; secret: string }) =>
      (await t.http.post('/oauth/introspect').type('form').set('Authorization', basic(client.id, client.secret)).send(`token=${token}`)).body.active as boolean;

    describe('a console sign-in replaces the previous one in the same browser', () => {
      it('revokes the earlier grant\'s access and refresh tokens, not another browser\'s, and audits the replacement', async () => {
        const ada = await t.user({ username: `ada-${Date.now()}`, admin: true });
        const resource = await t.client({ name: 'Resource', resourceServer: true });
        const browser = newBrowser(t);
        const first = await consoleSignIn(browser, ada);
        expect(await liveConsoleTokens(ada.id)).toHaveLength(2);
        const second = await consoleSignIn(browser, ada);
        expect(await introspect(first.access_token, resource)).toBe(false);
        expect(await introspect(second.access_token, resource)).toBe(true);
        expect((await liveConsoleTokens(ada.id)).map((token) => token.kind).sort()).toEqual(['access', 'refresh']);
        const refresh = await t.http.post('/oauth/token').type('form')
          .send(new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: CONSOLE_CLIENT_ID }).toString());
        expect(refresh.body.error).toBe('invalid_grant');

        const elsewhere = await consoleSignIn(newBrowser(t), ada);
        expect(await introspect(second.access_token, resource)).toBe(true);
        expect(await introspect(elsewhere.access_token, resource)).toBe(true);
        expect(await liveConsoleTokens(ada.id)).toHaveLength(4);

        // The refreshed successor of a grant goes with it when the grant is replaced.
        const renewed = await t.http.post('/oauth/token').type('form')
          .send(new URLSearchParams({ grant_type: 'refresh_token', refresh_token: second.refresh_token, client_id: CONSOLE_CLIENT_ID }).toString());
        expect(renewed.status, renewed.text).toBe(200);
        await consoleSignIn(browser, ada);
        expect(await introspect(renewed.body.access_token, resource)).toBe(false);
        expect(await introspect(elsewhere.access_token, resource)).toBe(true);

        const entries = (await t.storage.audit.list({ action: 'grant.replace', targetId: ada.id, limit: 10 })).items;
        expect(entries).toHaveLength(2);
        expect(entries[1]).toMatchObject({ actorType: 'client', actorId: CONSOLE_CLIENT_ID, targetType: 'user', details: { revoked_tokens: 2 } });
      });

      it('leaves other clients\' grants alone: two sign-ins in one browser are two live grants', async () => {
        const app = await t.client({ name: 'Web app', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['https://app.example/cb'], scopes: ['openid'] });
        const user = await t.user();
        await t.storage.consents.grant(user.id, app.id, ['openid'], Date.now());
        const browser = newBrowser(t);
        const codes: string[] = [];
        for (let i = 0; i < 2; i++) {
          const { verifier, challenge } = pkcePair();
          const query = new URLSearchParams({ response_type: 'code', client_id: app.id, redirect_uri: 'https://app.example/cb', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
          let res = await browser.get(`/oauth/authorize?${query}`);
          if (!res.headers.location!.startsWith('https://app.example/')) {
            const path = locationPath(res.headers.location!);
            const page = await browser.get(path);
            await browser.post(`${path}/login`).type('form').send({ csrf: csrfOf(page.text), username: user.username, password: 'correct horse battery' });
            res = await browser.get(path);
          }
          const code = redirectParams(res.headers.location!).get('code')!;
          const tokens = await t.http.post('/oauth/token').type('form').set('Authorization', basic(app.id, app.secret))
            .send(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb', code_verifier: verifier }).toString());
          expect(tokens.status, tokens.text).toBe(200);
          codes.push(tokens.body.access_token);
        }
        expect((await t.storage.tokens.list({ userId: user.id, activeAt: Date.now(), limit: 10 })).items).toHaveLength(4);
      });
    });

    describe('names beside ids', () => {
      it('tokens, consents and audit entries carry the client\'s and user\'s names; excludeConsole leaves the console out', async () => {
        const billing = await t.client({ name: 'Billing API', scopes: ['read'] });
        const user = await t.user({ username: `grace-${Date.now()}` });
        await t.http.post('/oauth/token').type('form').set('Authorization', basic(billing.id, billing.secret)).send('grant_type=client_credentials').expect(200);
        await t.token(user.id);

        const all = (await t.get(`/tokens?userId=${user.id}`).expect(200)).body.items;
        expect(all).toEqual([expect.objectContaining({ clientId: CONSOLE_CLIENT_ID, clientName: 'Tollgate console', userId: user.id, username: user.username })]);
        expect((await t.get(`/tokens?userId=${user.id}&excludeConsole=true`).expect(200)).body.items).toEqual([]);
        const billingTokens = (await t.get(`/tokens?clientId=${billing.id}&excludeConsole=true`).expect(200)).body.items;
        expect(billingTokens).toEqual([expect.objectContaining({ clientName: 'Billing API', userId: null, username: null })]);
        expect((await t.get('/tokens?excludeConsole=yes').expect(400)).body.fields).toEqual({ excludeConsole: 'must be true or false' });

        await t.patch(`/users/${user.id}`, { displayName: 'Grace' }).expect(200);
        const audit = (await t.get(`/audit?target=${user.id}&action=user.update`).expect(200)).body.items;
        expect(audit).toEqual([expect.objectContaining({ actorId: t.admin.id, actorName: 'root-admin', targetId: user.id, targetName: user.username })]);
        const issues = (await t.get(`/audit?actor=${billing.id}&action=token.issue`).expect(200)).body.items;
        expect(issues).toEqual([expect.objectContaining({ actorType: 'client', actorName: 'Billing API' })]);

        const consoleIssues = (await t.get(`/audit?action=token.issue&actor=${CONSOLE_CLIENT_ID}`).expect(200)).body.items;
        expect(consoleIssues.length).toBeGreaterThan(0);
        expect((await t.get(`/audit?action=token.issue&actor=${CONSOLE_CLIENT_ID}&excludeConsole=true`).expect(200)).body.items).toEqual([]);
        const withoutConsole = (await t.get('/audit?excludeConsole=true&limit=200').expect(200)).body.items as { actorId: string | null }[];
        expect(withoutConsole.length).toBeGreaterThan(0);
        expect(withoutConsole.filter((entry) => entry.actorId === CONSOLE_CLIENT_ID)).toEqual([]);
      });

      it('statistics leave the console\'s tokens out when asked', async () => {
        const withConsole = (await t.get('/statistics').expect(200)).body;
        const without = (await t.get('/statistics?excludeConsole=true').expect(200)).body;
        const consoleBar = (stats: { activeTokensByClient: { clientId: string; clientName: string | null }[] }) =>
          stats.activeTokensByClient.find((entry) => entry.clientId === CONSOLE_CLIENT_ID);
        expect(consoleBar(withConsole)).toMatchObject({ clientName: 'Tollgate console' });
        expect(consoleBar(without)).toBeUndefined();
        const total = (buckets: { count: number }[]) => buckets.reduce((sum, b) => sum + b.count, 0);
        expect(total(without.tokensIssuedPerDay)).toBeLessThan(total(withConsole.tokensIssuedPerDay));
        expect((await t.get('/statistics?excludeConsole=1').expect(400)).body.fields).toEqual({ excludeConsole: 'must be true or false' });
      });
    });

    describe('audit actions and export', () => {
      it('lists every action the server writes', async () => {
        const res = await t.get('/audit/actions').expect(200);
        expect(res.body.actions).toContainEqual({ name: 'token.issue', description: 'A token was issued' });
        expect(res.body.actions.map((a: { name: string }) => a.name)).toEqual(Object.keys(AUDIT_ACTIONS));
      });

      it('escapes CSV cells and guards against formulas', () => {
        expect(csvCell('plain')).toBe('"plain"');
        expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
        for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(csvCell(formula)).toBe(`"'${formula}"`);
        expect(csvCell(null)).toBe('');
      });

      it('streams the filtered log as CSV and as JSON, page after page, names and formulas guarded', async () => {
        const actor = `exporter-${Date.now()}`;
        const base = Date.parse('2031-01-01T00:00:00Z');
        const evil = await t.client({ name: '=HYPERLINK("https://evil.example","click")' });
        const count = EXPORT_PAGE_SIZE + 7;
        await t.storage.transaction(async (tx) => {
          for (let i = 0; i < count; i++) {
            await tx.audit.append({
              at: base + i, actorType: 'user', actorId: actor, action: i % 2 ? 'client.update' : 'client.create', targetType: 'client', targetId: evil.id,
              sourceAddress: i === 0 ? '@10.0.0.1' : '10.0.0.1', details: { n: i, note: i === 0 ? '-2+3' : 'a "quoted", line\nbreak' },
            });
          }
        });
        const csv = await t.get(`/audit/export?actor=${actor}`).expect(200);
        expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="tollgate-audit-[0-9TZ-]+\.csv"$/);
        expect(csv.headers['cache-control']).toBe('no-store');
        const rows = parseCsv(csv.text);
        expect(rows[0]).toEqual(['id', 'at', 'actor_type', 'actor_id', 'actor_name', 'action', 'target_type', 'target_id', 'target_name', 'source_address', 'details']);
        expect(rows).toHaveLength(count + 1);
        expect(rows[1]!.slice(1, 10)).toEqual([
          new Date(base + count - 1).toISOString(), 'user', actor, '', 'client.create', 'client', evil.id, `'=HYPERLINK("https://evil.example","click")`, '10.0.0.1',
        ]);
        expect(JSON.parse(rows[1]![10]!)).toEqual({ n: count - 1, note: 'a "quoted", line\nbreak' });
        expect(rows[count]![9]).toBe(`'@10.0.0.1`);
        expect(rows.slice(1).map((row) => JSON.parse(row[10]!).n)).toEqual(Array.from({ length: count }, (_, i) => count - 1 - i));

        const json = await t.get(`/audit/export?format=json&actor=${actor}&action=client.update`).expect(200);
        expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(json.headers['content-disposition']).toMatch(/\.json"$/);
        const entries = json.body as { action: string; targetName: string; details: { n: number } }[];
        expect(entries).toHaveLength(Math.floor(count / 2));
        expect(new Set(entries.map((e) => e.action))).toEqual(new Set(['client.update']));
        expect(entries[0]).toMatchObject({ targetName: '=HYPERLINK("https://evil.example","click")' });

        expect((await t.get('/audit/export?format=json&actor=nobody-at-all').expect(200)).body).toEqual([]);
        expect((await t.get('/audit/export?format=xml').expect(400)).body.fields).toEqual({ format: 'must be csv or json' });
        expect((await t.get('/audit/export?limit=5').expect(400)).body.fields).toEqual({ limit: 'is not a field that can be set here' });
        await t.http.get('/admin/api/audit/export').expect(401);
      });
    });

    describe('users', () => {
      it('changes a name and an email, clears them with null, audits before and after, and explains bad input per field', async () => {
        const user = await t.user();
        const res = await t.patch(`/users/${user.id}`, { displayName: '  Ada Lovelace ', email: 'ada@example.com' }).expect(200);
        expect(res.body).toMatchObject({ id: user.id, displayName: 'Ada Lovelace', email: 'ada@example.com' });
        const entry = (await t.storage.audit.list({ targetId: user.id, action: 'user.update', limit: 1 })).items[0];
        expect(entry).toMatchObject({
          actorId: t.admin.id, details: { username: user.username, changes: { displayName: { before: null, after: 'Ada Lovelace' }, email: { before: null, after: 'ada@example.com' } } },
        });
        expect((await t.patch(`/users/${user.id}`, { email: null }).expect(200)).body).toMatchObject({ displayName: 'Ada Lovelace', email: null });
        const unchanged = await t.patch(`/users/${user.id}`, { email: null }).expect(200);
        expect(unchanged.body.updatedAt).toBe((await t.get(`/users/${user.id}`)).body.updatedAt);
        expect((await t.storage.audit.list({ targetId: user.id, action: 'user.update', limit: 10 })).items).toHaveLength(2);

        expect((await t.patch(`/users/${user.id}`, { email: 'not an address', displayName: 'x\u202Ey' }).expect(400)).body.fields).toEqual({
          email: 'Enter an email address, such as ada@example.com',
          displayName: 'must not contain U+202E (a control, invisible or text direction character)',
        });
        expect((await t.patch(`/users/${user.id}`, { username: 'renamed', admin: true }).expect(400)).body.fields).toEqual({
          username: 'is not a field that can be set here', admin: 'is not a field that can be set here',
        });
        expect((await t.patch('/users/nobody', { displayName: 'x' }).expect(404)).body.error).toBe('not_found');
      });

      it('deletes a user with their tokens, consents and sessions, audited; never yourself or the last administrator', async () => {
        const app = await t.client({ name: 'App', scopes: ['read'] });
        const user = await t.user();
        const token = await t.token(user.id, ['openid']);
        await t.storage.consents.grant(user.id, app.id, ['read'], Date.now());
        await t.storage.sessions.create({ idHash: `session-${user.id}`, userId: user.id, authTime: Date.now(), createdAt: Date.now(), expiresAt: Date.now() + 60_000 });

        expect((await t.delete(`/users/${user.id}`).expect(200)).body).toEqual({ revokedTokens: 1, revokedConsents: 1, endedSessions: 1 });
        await t.get(`/users/${user.id}`).expect(404);
        expect(await introspect(token, await t.client({ name: 'RS', resourceServer: true }))).toBe(false);
        expect((await t.get(`/consents?userId=${user.id}`).expect(200)).body.items).toEqual([]);
        const entry = (await t.get(`/audit?target=${user.id}&action=user.delete`).expect(200)).body.items[0];
        expect(entry).toMatchObject({ actorId: t.admin.id, targetName: null, details: { username: user.username, revoked_tokens: 1, revoked_consents: 1, ended_sessions: 1 } });
        await t.delete(`/users/${user.id}`).expect(404);

        expect((await t.delete(`/users/${t.admin.id}`).expect(409)).body).toEqual({
          error: 'conflict', error_description: 'You cannot delete yourself: ask another administrator',
        });
        // The command line acts as nobody in particular: there, the last active administrator is the guard.
        const cli = { type: 'cli' as const, id: null, sourceAddress: null };
        const admins = (await t.storage.users.list({ limit: 200 })).items.filter((u) => u.admin && u.disabledAt === null && u.id !== t.admin.id);
        for (const admin of admins) await t.storage.users.update(admin.id, { disabledAt: Date.now() }, Date.now());
        await expect(deleteUser(t.storage, t.admin.id, cli)).rejects.toThrow('root-admin is the last active administrator: make someone else an administrator first');
        for (const admin of admins) await t.storage.users.update(admin.id, { disabledAt: null }, Date.now());
        const other = await t.user({ admin: true });
        await t.delete(`/users/${other.id}`).expect(200);
      });
    });
  });
}
