import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { db } from '../../../testing/db';
import { makeRegistrationPolicy, makeRegistrationToken } from '../../../testing/fixtures';
import { NEW_REGISTRATION_TOKEN } from '../../../testing/handlers/registration-tokens';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

function rows() {
  return screen.getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell').slice(0, 5).map((cell) => cell.textContent));
}

/** The request bodies sent to `path`. */
function bodiesSentTo(method: string, path: string) {
  const sent: unknown[] = [];
  server.events.on('request:start', async ({ request }) => {
    if (request.method === method && new URL(request.url).pathname === path) sent.push(await request.clone().json());
  });
  return sent;
}

describe('registration policy', () => {
  it('shows the token policy with its endpoint and rate limit', async () => {
    renderApp('/registration');
    const policy = await screen.findByRole('region', { name: 'Policy' });
    expect(await within(policy).findByText('Registration token required')).toBeInTheDocument();
    expect(policy).toHaveTextContent('A client registers itself only with a registration token made here');
    expect(within(policy).getByText('http://localhost/oauth/register')).toBeInTheDocument();
    expect(policy).toHaveTextContent('Rate limit20 per hour from each address, counting attempts with a bad token');
    expect(within(policy).queryByText('Grant types without a token')).not.toBeInTheDocument();
  });

  it('shows what the open policy allows without a token, and the scopes the server lacks', async () => {
    db.registrationPolicy = makeRegistrationPolicy({
      mode: 'open', open: { grantTypes: ['authorization_code'], scopes: ['openid', 'ghost'], missingScopes: ['ghost'] }, rateLimit: { limit: 5, windowSeconds: 600 },
    });
    renderApp('/registration');
    const policy = await screen.findByRole('region', { name: 'Policy' });
    expect(await within(policy).findByText('Open')).toBeInTheDocument();
    expect(policy).toHaveTextContent('Grant types without a tokenauthorization_code');
    expect(policy).toHaveTextContent('Scopes without a tokenopenidghostnot defined here: never granted');
    expect(policy).toHaveTextContent('5 per 10m from each address, counting registrations without a token and attempts with a bad one');
  });

  it('says when registration is off, with no endpoint or rate limit', async () => {
    db.registrationPolicy = makeRegistrationPolicy({ mode: 'off', registrationEndpoint: null, rateLimit: null });
    renderApp('/registration');
    const policy = await screen.findByRole('region', { name: 'Policy' });
    expect(await within(policy).findByText('Off')).toBeInTheDocument();
    expect(policy).toHaveTextContent('No client can register itself.');
    expect(within(policy).queryByText('Endpoint')).not.toBeInTheDocument();
    expect(within(policy).queryByText('Rate limit')).not.toBeInTheDocument();
  });

  it('shows the API error when the policy cannot be loaded', async () => {
    server.use(http.get('/admin/api/registration-policy', () => HttpResponse.json({ error: 'server_error', error_description: 'Something broke.' }, { status: 500 })));
    renderApp('/registration');
    expect(await screen.findByText('Could not load the registration policy')).toBeInTheDocument();
    expect(screen.getByText('Something broke.')).toBeInTheDocument();
  });
});

describe('registration tokens', () => {
  it('lists tokens newest first with status, remaining uses, prefix, limits and expiry', async () => {
    renderApp('/registration');
    expect(await screen.findByRole('link', { name: 'tg_iat_Mc9Pq2…' })).toHaveAttribute('href', '/registration?token=iat-1');
    expect(rows()).toEqual([
      ['tg_iat_Mc9Pq2…MCP agents', 'active', '2 of 5 left', 'authorization_code, refresh_tokenopenid read', expect.stringMatching(/2025/)],
      ['tg_iat_Zx81Lk…', 'exhausted', '0 of 1 left', 'Any grant typeAny scope but oauth-admin', 'Never'],
      ['tg_iat_Rv55Tt…CI test suite', 'revoked', '12 used, no limit', 'authorization_code, refresh_tokenopenid read', expect.stringMatching(/2025/)],
    ]);
    // Only an active token can still register anything, so only it can be revoked.
    expect(screen.getAllByRole('button', { name: /^Revoke registration token/ }).map((b) => b.getAttribute('aria-label'))).toEqual([
      'Revoke registration token tg_iat_Mc9Pq2',
    ]);
  });

  it('pages through tokens with the API cursor', async () => {
    db.registrationTokens = Array.from({ length: 23 }, (_, i) => makeRegistrationToken({
      id: `iat-${i}`, prefix: `tg_iat_Pg${String(i).padStart(4, '0')}`, createdAt: new Date(Date.UTC(2025, 0, i + 1)).toISOString(),
    }));
    const { user } = renderApp('/registration');
    expect(await screen.findByRole('link', { name: 'tg_iat_Pg0022…' })).toBeInTheDocument();
    expect(rows()).toHaveLength(20);
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('link', { name: 'tg_iat_Pg0000…' })).toBeInTheDocument();
    expect(rows()).toHaveLength(3);
  });

  it('shows an empty state, and the API error when the list fails', async () => {
    db.registrationTokens = [];
    renderApp('/registration');
    expect(await screen.findByText('No registration tokens yet')).toBeInTheDocument();
  });

  it('shows the API error when the list fails', async () => {
    server.use(http.get('/admin/api/registration-tokens', () => HttpResponse.error()));
    renderApp('/registration');
    expect(await screen.findByText('Could not load the registration tokens')).toBeInTheDocument();
    expect(screen.getByText('The server could not be reached. Check your connection and try again.')).toBeInTheDocument();
  });

  it('revokes a token after a confirmation saying its clients stay', async () => {
    const { user } = renderApp('/registration');
    await user.click(await screen.findByRole('button', { name: 'Revoke registration token tg_iat_Mc9Pq2' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke registration token tg_iat_Mc9Pq2…?' });
    expect(dialog).toHaveTextContent('No client can register with it any more. The clients it already registered stay registered');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));

    expect(await screen.findByText('Registration token tg_iat_Mc9Pq2… revoked.')).toBeInTheDocument();
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    await vi.waitFor(() => expect(rows()[0]![1]).toBe('revoked'));
    expect(screen.queryByRole('button', { name: /^Revoke registration token/ })).not.toBeInTheDocument();
    expect(db.registrationTokens[0]).toMatchObject({ id: 'iat-1', status: 'revoked' });
  });

  it('shows the API conflict when the token was revoked meanwhile', async () => {
    const { user } = renderApp('/registration');
    await user.click(await screen.findByRole('button', { name: 'Revoke registration token tg_iat_Mc9Pq2' }));
    db.registrationTokens[0] = { ...db.registrationTokens[0]!, status: 'revoked' };
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Revoke token' }));
    expect(await screen.findByText('Could not revoke the registration token: registration token iat-1 is already revoked')).toBeInTheDocument();
  });

  it('shows the token a link names above the list', async () => {
    renderApp('/registration?token=iat-3');
    const chosen = await screen.findByRole('region', { name: 'Registration token tg_iat_Rv55Tt…' });
    expect(chosen).toHaveTextContent('DescriptionCI test suite');
    expect(chosen).toHaveTextContent('Uses12 used, no limit');
    expect(chosen).toHaveTextContent('Revoked');
    expect(within(chosen).getByRole('link', { name: 'Show only the list' })).toHaveAttribute('href', '/registration');
  });

  it('says so when a linked token is no longer kept', async () => {
    renderApp('/registration?token=gone');
    expect(await screen.findByText('Could not load this registration token')).toBeInTheDocument();
    expect(screen.getByText('No registration token with that id.')).toBeInTheDocument();
  });
});

describe('new registration token', () => {
  it('creates a limited token and shows its value once, with a copyable curl command that uses it', async () => {
    const sent = bodiesSentTo('POST', '/admin/api/registration-tokens');
    const { user } = renderApp('/registration/tokens/new');
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    await user.type(await screen.findByRole('textbox', { name: 'Description' }), 'Research agents');
    await user.clear(screen.getByRole('textbox', { name: 'Expires in' }));
    await user.type(screen.getByRole('textbox', { name: 'Expires in' }), '1d');
    await user.clear(screen.getByRole('textbox', { name: 'Maximum uses' }));
    await user.type(screen.getByRole('textbox', { name: 'Maximum uses' }), '3');
    const grants = screen.getByRole('group', { name: 'Grant types' });
    await user.click(within(grants).getByRole('radio', { name: 'Only those ticked' }));
    await user.click(within(grants).getByRole('checkbox', { name: 'Authorization code (users sign in)' }));
    await user.click(within(grants).getByRole('checkbox', { name: 'Refresh token' }));
    const scopes = screen.getByRole('group', { name: 'Scopes' });
    await user.click(within(scopes).getByRole('radio', { name: 'Only those ticked' }));
    expect(within(scopes).queryByRole('checkbox', { name: /oauth-admin/ })).not.toBeInTheDocument();
    await user.click(within(scopes).getByRole('checkbox', { name: /^openid/ }));
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Registration token created' })).toBeInTheDocument();
    expect(sent).toEqual([{ description: 'Research agents', expiresIn: 86400, maxUses: 3, grantTypes: ['authorization_code', 'refresh_token'], scopes: ['openid'] }]);
    expect(screen.getByText(/It is shown only this once/)).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Registration token' })).toHaveValue(NEW_REGISTRATION_TOKEN);
    expect(screen.getByRole('region', { name: 'What it allows' })).toHaveTextContent('Uses3 of 3 left');

    const example = await screen.findByRole('figure', { name: 'Example request' });
    expect(within(example).getByText(/curl/).textContent).toBe([
      "curl -X POST 'http://localhost/oauth/register' \\",
      `  -H 'Authorization: Bearer ${NEW_REGISTRATION_TOKEN}' \\`,
      "  -H 'Content-Type: application/json' \\",
      `  -d '{"client_name":"My app","redirect_uris":["http://127.0.0.1:8976/callback"],"token_endpoint_auth_method":"none"}'`,
    ].join('\n'));
    await user.click(within(example).getByRole('button', { name: 'Copy example request' }));
    expect(writeText).toHaveBeenCalledWith(expect.stringContaining(`Authorization: Bearer ${NEW_REGISTRATION_TOKEN}`));
    expect(await within(example).findByText('Copied to the clipboard.')).toBeInTheDocument();
    server.events.removeAllListeners();
  });

  it('sends no limits when none are set, and the example registers a machine client for a client-credentials token', async () => {
    const sent = bodiesSentTo('POST', '/admin/api/registration-tokens');
    const { user } = renderApp('/registration/tokens/new');
    await user.clear(await screen.findByRole('textbox', { name: 'Expires in' }));
    await user.clear(screen.getByRole('textbox', { name: 'Maximum uses' }));
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Registration token created' })).toBeInTheDocument();
    expect(sent).toEqual([{ description: null, maxUses: null, grantTypes: null, scopes: null }]);
    expect(screen.getByRole('region', { name: 'What it allows' })).toHaveTextContent('ExpiresNever');

    await user.click(screen.getByRole('button', { name: 'Create another' }));
    const grants = await screen.findByRole('group', { name: 'Grant types' });
    expect(screen.getByRole('textbox', { name: 'Expires in' })).toHaveValue('7d');
    await user.click(within(grants).getByRole('radio', { name: 'Only those ticked' }));
    await user.click(within(grants).getByRole('checkbox', { name: 'Client credentials (machine to machine)' }));
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    const example = await screen.findByRole('figure', { name: 'Example request' });
    expect(example).toHaveTextContent(`-d '{"client_name":"My service","grant_types":["client_credentials"]}'`);
    expect(sent[1]).toEqual({ description: null, expiresIn: 604800, maxUses: 1, grantTypes: ['client_credentials'], scopes: null });
    server.events.removeAllListeners();
  });

  it('shows the API field errors under their inputs', async () => {
    const { user } = renderApp('/registration/tokens/new');
    await user.clear(await screen.findByRole('textbox', { name: 'Maximum uses' }));
    await user.type(screen.getByRole('textbox', { name: 'Maximum uses' }), '0');
    await user.clear(screen.getByRole('textbox', { name: 'Expires in' }));
    await user.type(screen.getByRole('textbox', { name: 'Expires in' }), '400d');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    const uses = await screen.findByText('must be at least 1');
    expect(screen.getByRole('textbox', { name: 'Maximum uses' })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('textbox', { name: 'Maximum uses' }).getAttribute('aria-describedby')).toContain(uses.id);
    const expiry = screen.getByText('must be at most a year');
    expect(screen.getByRole('textbox', { name: 'Expires in' }).getAttribute('aria-describedby')).toContain(expiry.id);
    expect(db.registrationTokens).toHaveLength(3);
  });

  it('shows an unknown scope refused by the API at the scope picker', async () => {
    server.use(http.post('/admin/api/registration-tokens', () => HttpResponse.json(
      { error: 'invalid_request', error_description: 'scopes: unknown scope "read": create it first', fields: { scopes: 'unknown scope "read": create it first' } },
      { status: 400 },
    )));
    const { user } = renderApp('/registration/tokens/new');
    const scopes = await screen.findByRole('group', { name: 'Scopes' });
    await user.click(within(scopes).getByRole('radio', { name: 'Only those ticked' }));
    await user.click(await within(scopes).findByRole('checkbox', { name: /^read/ }));
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await within(scopes).findByText('unknown scope "read": create it first')).toBeInTheDocument();
    expect(scopes).toHaveAttribute('aria-invalid', 'true');
  });

  it('refuses a malformed expiry, a fractional use count and an empty pick before sending anything', async () => {
    const sent = bodiesSentTo('POST', '/admin/api/registration-tokens');
    const { user } = renderApp('/registration/tokens/new');
    await user.clear(await screen.findByRole('textbox', { name: 'Expires in' }));
    await user.type(screen.getByRole('textbox', { name: 'Expires in' }), 'a week');
    await user.type(screen.getByRole('textbox', { name: 'Maximum uses' }), '.5');
    await user.click(within(screen.getByRole('group', { name: 'Grant types' })).getByRole('radio', { name: 'Only those ticked' }));
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByText('must be a duration such as 3600, 15m, 1h or 30d')).toBeInTheDocument();
    expect(screen.getByText('must be a whole number')).toBeInTheDocument();
    expect(within(screen.getByRole('group', { name: 'Grant types' })).getByText('tick at least one, or allow any')).toBeInTheDocument();
    expect(sent).toEqual([]);
    server.events.removeAllListeners();
  });

  it('says the token waits for registration to be turned on, instead of an example, while it is off', async () => {
    db.registrationPolicy = makeRegistrationPolicy({ mode: 'off', registrationEndpoint: null, rateLimit: null });
    const { user } = renderApp('/registration/tokens/new');
    await user.click(await screen.findByRole('button', { name: 'Create token' }));
    expect(await screen.findByText(/Registration is off on this server/)).toBeInTheDocument();
    expect(screen.queryByRole('figure', { name: 'Example request' })).not.toBeInTheDocument();
  });

  it('is reached from the navigation and the Registration page', async () => {
    const { user, router } = renderApp('/');
    await user.click(await screen.findByRole('link', { name: 'Registration' }));
    await user.click(await screen.findByRole('link', { name: 'New registration token' }));
    expect(router.state.location.pathname).toBe('/registration/tokens/new');
    expect(await screen.findByRole('heading', { level: 1, name: 'New registration token' })).toBeInTheDocument();
  });
});
