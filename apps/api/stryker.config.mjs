// @ts-check
/**
 * `npm run mutation`: StrykerJS over the security core (docs/testing.md).
 * Run from the repository's root, so the sandbox keeps the workspace layout
 * that tsconfig's `extends` and the hoisted node_modules rely on.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'apps/api/vitest.mutation.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'apps/api/tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'apps/api/src/oauth/client-auth/**/*.ts',
    'apps/api/src/oauth/grants/**/*.ts',
    'apps/api/src/oauth/endpoints/**/*.ts',
    'apps/api/src/oauth/helpers/**/*.ts',
    'apps/api/src/oauth/tokens/**/*.ts',
    'apps/api/src/oauth/registration/**/*.ts',
    'apps/api/src/oauth/authorization/**/*.ts',
    'apps/api/src/oauth/dpop/**/*.ts',
    'apps/api/src/oauth/*.ts',
    'apps/api/src/interaction/routes.ts',
    'apps/api/src/interaction/browser.ts',
    'apps/api/src/interaction/sessions.ts',
    'apps/api/src/interaction/cookies.ts',
    'apps/api/src/interaction/trusted-devices.ts',
    'apps/api/src/admin/http/**/*.ts',
    'apps/api/src/crypto/**/*.ts',
  ],
  ignorePatterns: ['apps/console', 'packages', 'e2e', 'apps/api/bench', 'apps/api/dist', 'data', 'reports'],
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  concurrency: 2,
  timeoutMS: 30_000,
  // The first run covers the whole in-process suite: minutes on two busy cores.
  dryRunTimeoutMinutes: 30,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
