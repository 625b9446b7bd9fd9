import { createHash, randomBytes } from 'node:crypto';
import type { Page, Request } from '@playwright/test';
import type { Seed } from './support/seed.js';

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The authorization request a third-party application would send the browser to. */
export function authorizePath(seed: Seed, options: { state: string; challenge: string; prompt?: string }): string {
  const params = new URLSearchParams({
    response_type: 'code', client_id: seed.app.clientId, redirect_uri: seed.app.redirectUri, scope: 'openid photos',
    state: options.state, code_challenge: options.challenge, code_challenge_method: 'S256', nonce: 'e2e-nonce',
    ...(options.prompt && { prompt: options.prompt }),
  });
  return `/oauth/authorize?${params}`;
}

/**
 * Stands in for the application at its redirect URI: nothing listens there,
 * so the browser's request is answered here and handed to the test.
 */
export async function catchRedirect(page: Page, seed: Seed): Promise<() => Promise<URL>> {
  let arrived: (request: Request) => void;
  const request = new Promise<Request>((resolve) => (arrived = resolve));
  await page.route(`${seed.app.redirectUri}**`, async (route) => {
    arrived(route.request());
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Photo Printer</title><h1>Back at Photo Printer</h1>' });
  });
  return async () => new URL((await request).url());
}

/** Redeems a code as the application's back end would, with its secret and the verifier. */
export async function redeem(baseURL: string, seed: Seed, code: string, verifier: string) {
  const response = await fetch(`${baseURL}/oauth/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${seed.app.clientId}:${seed.app.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: seed.app.redirectUri, code_verifier: verifier }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
