import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// The suite Stryker runs against each mutant: every in-process test. Tests
// that start the server as a child process are left out, since a mutant is
// switched on inside the test process only and a child never sees it; so are
// the storage contracts, outside the mutated folders, which set the process's
// umask (Stryker runs tests in worker threads, where that is not allowed).
// MUTATION_TESTS (comma-separated paths under apps/api) narrows the suite for
// a quick run: fewer tests can only leave more mutants alive, never fewer.
const only = process.env.MUTATION_TESTS?.split(',').map((p) => p.trim()).filter(Boolean);

const config = mergeConfig(base, defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    exclude: [
      'test/load/**',
      'test/storage/**',
      'test/server/**',
      'test/jobs/purge.test.ts',
      'test/oauth/relying-party.test.ts',
    ],
  },
}));

// mergeConfig concatenates arrays, so the narrowed list replaces the base's afterwards.
if (only && only.length > 0) config.test!.include = only.map((p) => (p.endsWith('.ts') ? p : `${p.replace(/\/$/, '')}/**/*.test.ts`));

export default config;
