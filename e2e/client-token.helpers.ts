import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Runs support/print-token.ts, a service using the token agent, as its own Node process
 * with the client's credentials in its environment; returns the access token it printed.
 */
export async function tokenFromAgentScript(issuer: string, clientId: string, clientSecret: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'e2e/support/print-token.ts')], {
    cwd: root,
    env: { ...process.env, TOLLGATE_ISSUER: issuer, CLIENT_ID: clientId, CLIENT_SECRET: clientSecret },
    timeout: 20_000,
  });
  return stdout.trim();
}

/** Whether `secret` is anywhere on the page: its text, any field's value, or its markup. */
export function pageShows(page: Page, secret: string): Promise<boolean> {
  return page.evaluate(
    (value) =>
      document.body.innerText.includes(value) ||
      document.documentElement.outerHTML.includes(value) ||
      Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')).some((field) => field.value.includes(value)),
    secret,
  );
}
