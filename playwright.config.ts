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
  use: {
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      // Without these, Chromium keeps trying to reach Google's hosts from a machine with no such network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: servers.map(({ name, port }) => ({
    name,
    use: { browserName: 'chromium', baseURL: `http://localhost:${port}` },
  })),
  webServer,
});
