import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { outboundAllowHostsInProduction, startTollgate } from '../../src/tollgate.js';
import { backends } from '../support/databases.js';
import { freshStorage } from '../support/storage.js';

/** OUTBOUND_ALLOW_HOSTS is a test and development setting: a server that looks like production says so when it is set. */
describe('OUTBOUND_ALLOW_HOSTS on a production-looking server', () => {
  const config = (issuer: string, hosts?: string) => loadConfig({ ISSUER: issuer, ...(hosts !== undefined && { OUTBOUND_ALLOW_HOSTS: hosts }) });

  it('names the hosts it opens when the issuer is https on a public host', () => {
    expect(outboundAllowHostsInProduction(config('https://auth.example.com', 'jwks.internal,10.0.0.5:8443'))).toBe('jwks.internal,10.0.0.5:8443');
    expect(outboundAllowHostsInProduction(config('https://auth.example.com/tenant', '[::1]:9000'))).toBe('[::1]:9000');
  });

  it('says nothing without the setting, or on a loopback issuer', () => {
    expect(outboundAllowHostsInProduction(config('https://auth.example.com'))).toBeNull();
    expect(outboundAllowHostsInProduction(config('https://auth.example.com', ''))).toBeNull();
    expect(outboundAllowHostsInProduction(config('http://localhost:3000', 'localhost'))).toBeNull();
    for (const issuer of ['https://localhost:8443', 'https://127.0.0.1:8443', 'https://[::1]:8443']) {
      expect(outboundAllowHostsInProduction(config(issuer, 'localhost')), issuer).toBeNull();
    }
  });
});

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`the warnings a server logs when it starts, on ${backend.name}`, () => {
    const storage = freshStorage(backend);

    async function startupWarnings(env: NodeJS.ProcessEnv): Promise<string[]> {
      const lines: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
      const running = await startTollgate(loadConfig({ KEY_ENCRYPTION_KEY: 'startup warnings test key encryption secret', ...env }), logger, { storage: storage() });
      await running.close();
      return lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    }

    it('warns about OUTBOUND_ALLOW_HOSTS under a public https issuer, and only then', async () => {
      expect(await startupWarnings({ ISSUER: 'https://auth.example.com', OUTBOUND_ALLOW_HOSTS: 'localhost:8443' })).toEqual([
        'OUTBOUND_ALLOW_HOSTS is set on a server with a public https issuer: URLs that clients give (jwks_uri, client metadata documents, back-channel logout) '
          + 'may reach localhost:8443 over http and at private or loopback addresses; it is meant for tests and development, so leave it unset in production',
      ]);
      expect(await startupWarnings({ ISSUER: 'http://localhost:3000', OUTBOUND_ALLOW_HOSTS: 'localhost:8443' })).toEqual([]);
    });
  });
}
