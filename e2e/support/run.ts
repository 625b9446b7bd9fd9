/**
 * `npm run e2e`: Playwright in the system's Chromium. Where Chromium is missing
 * it fails in CI and, elsewhere, skips saying so.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { chromiumPath } from './chromium.js';

if (!fs.existsSync(chromiumPath)) {
  const message = `Chromium not found at ${chromiumPath} (install Debian's chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) {
    console.error(`e2e: ${message}`);
    process.exit(1);
  }
  console.warn(`e2e: skipping the end-to-end specs: ${message}`);
  process.exit(0);
}

const result = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
