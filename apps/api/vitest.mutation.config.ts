import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
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

/**
 * Stryker runs a mutant's covering tests with bail, so the run ends at the first failure: the sooner a test
 * that kills it runs, the cheaper the mutant. Vitest runs the slowest files first; this runs first the file
 * that failed last (the mutant before was in the same function, and so is what kills this one), then the
 * quickest. Which tests run is unchanged; only their order, and so only the time a killed mutant takes.
 */
class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const state = (file: TestSpecification) => cache.getFileTestResults(`${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`);
    return [...files].sort((a, b) => {
      const [aState, bState] = [state(a), state(b)];
      if (!aState || !bState) return aState ? 1 : bState ? -1 : 0;
      if (aState.failed !== bState.failed) return aState.failed ? -1 : 1;
      return aState.duration - bState.duration;
    });
  }
}

const config = mergeConfig(base, defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    exclude: [
      'test/load/**',
      'test/storage/**',
      'test/server/**',
      'test/jobs/purge.test.ts',
      'test/oauth/relying-party.test.ts',
      // Reads the source as text: Stryker's instrumented copies no longer spell the audit actions as written.
      'test/docs/audit-actions.test.ts',
    ],
    sequence: { sequencer: QuickestFirst },
  },
}));

// mergeConfig concatenates arrays, so the narrowed list replaces the base's afterwards.
if (only && only.length > 0) config.test!.include = only.map((p) => (p.endsWith('.ts') ? p : `${p.replace(/\/$/, '')}/**/*.test.ts`));

export default config;
