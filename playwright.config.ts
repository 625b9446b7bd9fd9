import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { chromiumPath } from './e2e/support/chromium.js';

/**
 * The specs run against the real, built server: one on a fresh SQLite
 * database, and one on a fresh PostgreSQL database when TEST_DATABASE_URL is set.
 */
const servers = [
  { name: 'sqlite', port: 4310 },
  ...(process.env.TEST_DATABASE_URL ? [{ name: 'postgres', port: 4311 }] : []),
];

const webServer: PlaywrightTestConfig['webServer'] = servers.map(({ name, port }) => ({
  command: `node --import tsx e2e/support/serve.ts ${name} ${port}`,
  url: `http://127.0.0.1:${port}/healthz`,
  reuseExistingServer: false,
  timeout: 60_000,
  gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  stdout: 'pipe',
  stderr: 'pipe',
}));

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  timeout: 30_000,
  // Each failed test keeps a screenshot and a trace here (gitignored); passing tests keep nothing.
  outputDir: 'test-results',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      // Without these, Chromium keeps trying to reach Google's hosts from a machine with no such network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  // Per database: a setup project signs the administrator in once (admin.setup.ts) and saves the
  // state that specs opt into; the specs' project runs after it.
  projects: servers.flatMap(({ name, port }) => {
    const use = { browserName: 'chromium', baseURL: `http://localhost:${port}` } as const;
    return [
      { name: `${name}-setup`, testMatch: /\.setup\.ts$/, use },
      { name, dependencies: [`${name}-setup`], use },
    ];
  }),
  webServer,
});
