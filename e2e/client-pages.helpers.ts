import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';

/** The text of a copyable snippet (a `figure` named by its caption), as the Copy button would copy it. */
export async function snippetText(page: Page, label: string): Promise<string> {
  return (await page.getByRole('figure', { name: label }).locator('pre').textContent()) ?? '';
}

/** Runs `text` as pasted into a shell (bash -c), with `env` added; answers what it printed. */
export async function runPasted(text: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', ['-c', text], { env: { ...process.env, ...env }, timeout: 20_000 });
  return stdout;
}
