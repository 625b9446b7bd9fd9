import type { Page } from '@playwright/test';
import { adminApi, consoleUser } from './support/console-session.js';
import type { Credentials } from './support/oauth.js';

/** Registers a machine client through the admin API with the token the signed-in console holds. */
export async function registerClient(page: Page, baseURL: string, name: string): Promise<Credentials> {
  const { accessToken } = await consoleUser(page);
  const created = await adminApi(baseURL, accessToken, 'POST', '/clients', { name, grantTypes: ['client_credentials'] });
  if (created.status !== 201) throw new Error(`creating ${name} answered ${created.status}: ${JSON.stringify(created.body)}`);
  const { client, clientSecret } = created.body as { client: { id: string }; clientSecret: string };
  return { clientId: client.id, clientSecret };
}

/** The token endpoint's answer to credentials it does not accept (RFC 6749 §5.2), sent with HTTP Basic. */
export const INVALID_CLIENT = { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } };
