import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/run.js';
import { cli } from '../support/cli.js';
import { backends, type TestDatabase } from '../support/databases.js';
import { digester, NUM_RUNS, Unchanged, type Digester } from './support.js';

const commandWords = commands.map((c) => c.name.split(' '));
const flags = [...new Set([...commands.flatMap((c) => Object.keys(c.options)), 'help'])];

const junk = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('\u0000', '\ud800', 'a\u0000b', '--', '-', '-x', '-h', '', ' ', '---x', '--=', '=', 'help', 'U+202E\u202E'),
);
const value = fc.oneof(junk, fc.constantFrom(
  'read', 'openid profile', 'oauth-admin', 'https://app.example/cb', 'http://evil.example/cb', 'com.example.app:/cb',
  '1h', '0', '400d', 'active', 'client_credentials', 'authorization_code,refresh_token', 'none', 'native', 'tollgate-console', 'root',
  // APIs: the one made below by identifier, one nobody registered, and the words --allowed-resources, --resource and the TTLs take.
  'https://api.example.test', 'https://ghost.example.test', 'http://localhost:8080/mcp', 'any', 'default', 'jwt', 'opaque', 'RS256',
));
const flag = fc.tuple(fc.constantFrom(...flags), fc.option(value), fc.boolean())
  .map(([name, v, joined]) => (v === null ? [`--${name}`] : joined ? [`--${name}=${v}`] : [`--${name}`, v]));
const argv = fc.tuple(
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...commandWords) }, { weight: 1, arbitrary: fc.array(junk, { maxLength: 2 }) }),
  fc.array(fc.oneof(flag, junk.map((j) => [j])), { maxLength: 6 }),
).map(([words, rest]) => [...words, ...rest.flat()]);

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`generated command lines on ${backend.name}`, { timeout: 600_000 }, () => {
    let database: TestDatabase;
    let db: Digester;

    beforeAll(async () => {
      database = await backend.create();
      expect((await cli(database.url, 'setup', '--admin-username', 'root', '--admin-password', 'correct horse battery')).code).toBe(0);
      expect((await cli(database.url, 'scopes', 'create', 'read', '--description', 'Read your data')).code).toBe(0);
      expect((await cli(database.url, 'resources', 'create', '--identifier', 'https://api.example.test', '--name', 'Example API', '--scopes', 'read')).code).toBe(0);
      db = await digester(database.config);
    });

    afterAll(async () => {
      await db?.close();
      await database?.drop();
    });

    it('get exit code 0, or 2 with one line naming the problem and nothing written; never a failure', async () => {
      const unchanged = new Unchanged(db);
      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(argv, async (args) => {
        const result = await cli(database.url, ...args);
        const what = JSON.stringify(args);
        expect([0, 2], `${what}: ${result.stderr}`).toContain(result.code);
        if (result.code === 2) {
          expect(result.stdout, what).toBe('');
          // A command list is the one answer of several lines, for a command line that names no command.
          if (!result.stderr.startsWith('Usage: ')) expect(result.stderr, what).toMatch(/^tollgate[^\n]*: [^\n]+$/);
        }
        await unchanged.check(result.code !== 0, what);
      }), { numRuns: NUM_RUNS ?? (backend.name === 'sqlite' ? 150 : 60) });
    });
  });
}
