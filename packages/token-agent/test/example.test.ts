import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildPackage, counter, runScript } from './support/examples.js';
import { startTollgate, type Tollgate } from './support/tollgate.js';

const packageDir = path.resolve(import.meta.dirname, '..');
const example = path.join(packageDir, 'examples/get-token.mjs');
let tollgate: Tollgate;

beforeAll(async () => {
  [tollgate] = await Promise.all([startTollgate(), buildPackage(packageDir)]);
});

afterAll(async () => {
  await tollgate?.stop();
});

it('the README\'s ten-line script, run against the build, gets one token from a running Tollgate and reuses it', async () => {
  const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');
  expect(readme).toContain(fs.readFileSync(example, 'utf8'));

  const client = await tollgate.createClient('--name', 'script');
  const before = await counter(tollgate.url, 'tollgate_tokens_issued_total');
  const script = runScript(example, { TOLLGATE_URL: tollgate.url, CLIENT_ID: client.client_id, CLIENT_SECRET: client.client_secret });
  expect(await script.exited).toBe(0);
  expect(script.output()).toMatch(/^got a token and reused it: tg_at_\S{6}…\n$/);
  expect(await counter(tollgate.url, 'tollgate_tokens_issued_total')).toBe(before + 1);
});
