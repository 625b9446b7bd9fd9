import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { db } from '../../../testing/db';
import { makeClient } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

function rows() {
  return screen.getAllByRole('row').slice(1);
}

describe('clients list', () => {
  it('lists clients newest first, searches, filters by status and sorts by name', async () => {
    const { user, router } = renderApp('/clients');

    expect(await screen.findByRole('link', { name: 'Billing' })).toHaveAttribute('href', '/clients/billing-id');
    expect(rows().map((row) => within(row).getAllByRole('cell')[0]!.textContent)).toEqual(['Billing', 'Old App', 'Tollgate consolesystem']);

    await user.selectOptions(screen.getByLabelText('Status'), 'revoked');
    expect(await screen.findByText('revoked')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Billing' })).not.toBeInTheDocument();
    expect(router.state.location.search).toBe('?status=revoked');

    await user.selectOptions(screen.getByLabelText('Status'), '');
    await user.click(await screen.findByRole('button', { name: /Name/ }));
    expect(await screen.findByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(rows().map((row) => within(row).getAllByRole('cell')[0]!.textContent)).toEqual(['Billing', 'Old App', 'Tollgate consolesystem']);

    await user.type(screen.getByLabelText('Search'), 'toll');
    expect(await screen.findByText('tollgate-console')).toBeInTheDocument();
    await vi.waitFor(() => expect(screen.queryByRole('link', { name: 'Billing' })).not.toBeInTheDocument());
    expect(router.state.location.search).toContain('search=toll');
  });

  it('pages through clients with the API cursor', async () => {
    db.clients = Array.from({ length: 25 }, (_, i) => makeClient({ id: `c${i}`, name: `App ${String(i).padStart(2, '0')}`, createdAt: new Date(Date.UTC(2025, 0, i + 1)).toISOString() }));
    const { user } = renderApp('/clients');

    expect(await screen.findByRole('link', { name: 'App 24' })).toBeInTheDocument();
    expect(rows()).toHaveLength(20);
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('link', { name: 'App 04' })).toBeInTheDocument();
    expect(rows()).toHaveLength(5);
    expect(screen.getByText('Page 2')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Previous' }));
    expect(await screen.findByRole('link', { name: 'App 24' })).toBeInTheDocument();
  });

  it('shows an empty state, and the API error when the list fails', async () => {
    db.clients = [];
    renderApp('/clients');
    expect(await screen.findByText('No clients yet')).toBeInTheDocument();
  });

  it('shows the API error when the list fails', async () => {
    server.use(http.get('/admin/api/clients', () => HttpResponse.json({ error: 'invalid_request', error_description: 'limit must be a whole number from 1 to 200' }, { status: 400 })));
    renderApp('/clients');
    expect(await screen.findByText('Could not load the clients')).toBeInTheDocument();
    expect(screen.getByText('limit must be a whole number from 1 to 200')).toBeInTheDocument();
  });
});

describe('new client', () => {
  it('shows the API field errors under their inputs', async () => {
    const { user } = renderApp('/clients/new');
    await screen.findByRole('checkbox', { name: /read/ });
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Photos');
    await user.click(screen.getByRole('checkbox', { name: 'Authorization code (users sign in)' }));
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    const field = await screen.findByText('the authorization_code grant needs at least one redirect URI');
    expect(screen.getByRole('textbox', { name: 'Redirect URIs' })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('textbox', { name: 'Redirect URIs' }).getAttribute('aria-describedby')).toContain(field.id);
  });

  it('refuses a malformed lifetime before sending anything', async () => {
    const { user } = renderApp('/clients/new');
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Photos');
    await user.type(screen.getByRole('textbox', { name: 'Access token lifetime' }), 'an hour');
    await user.click(screen.getByRole('button', { name: 'Create client' }));
    expect(await screen.findByText('must be a duration such as 3600, 15m, 1h or 30d')).toBeInTheDocument();
    expect(db.clients).toHaveLength(3);
  });

  it('creates a client and shows its secret once, with a warning and a copy button', async () => {
    const { user } = renderApp('/clients/new');
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Reports');
    await user.click(await screen.findByRole('checkbox', { name: /read/ }));
    await user.type(screen.getByRole('textbox', { name: 'Access token lifetime' }), '15m');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Reports is registered' })).toBeInTheDocument();
    expect(screen.getByText(/It is shown only this once/)).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Client secret' })).toHaveValue('tg_cs_new-secret-value');
    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith('tg_cs_new-secret-value');
    expect(await screen.findByText('Copied to the clipboard.')).toBeInTheDocument();
    expect(screen.getByText('Client Reports created.')).toBeInTheDocument();
    expect(db.clients.at(-1)).toMatchObject({ name: 'Reports', scopes: ['read'], accessTokenTtl: 900, grantTypes: ['client_credentials'] });
  });
});

describe('client detail', () => {
  it('saves only the changed fields and names a bad redirect URI by its line', async () => {
    db.clients[0] = makeClient({ grantTypes: ['authorization_code'], redirectUris: ['https://billing.example/cb'] });
    let sent: unknown = null;
    server.events.on('request:start', async ({ request }) => {
      if (request.method === 'PATCH') sent = await request.clone().json();
    });
    const { user } = renderApp('/clients/billing-id');
    const uris = await screen.findByRole('textbox', { name: 'Redirect URIs' });
    await user.type(uris, '\nhttp://billing.example/cb');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Line 2: must use https (http only for localhost and loopback addresses)')).toBeInTheDocument();

    await user.clear(uris);
    await user.type(uris, 'https://billing.example/callback');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Client Billing saved.')).toBeInTheDocument();
    expect(sent).toEqual({ redirectUris: ['https://billing.example/callback'] });
    server.events.removeAllListeners();
  });

  it('rotates the secret after a confirmation and shows the new one once', async () => {
    const { user } = renderApp('/clients/billing-id');
    await user.click(await screen.findByRole('button', { name: 'Rotate secret' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Rotate the secret of Billing?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));

    expect(await screen.findByRole('textbox', { name: 'Client secret' })).toHaveValue('tg_cs_rotated-secret');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('revokes after a confirmation naming what goes with it', async () => {
    const { user } = renderApp('/clients/billing-id');
    await user.click(await screen.findByRole('button', { name: 'Revoke client' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke Billing?' });
    expect(dialog).toHaveTextContent('every access and refresh token issued to it');
    expect(dialog).toHaveTextContent('its unused authorization codes');
    expect(dialog).toHaveTextContent('every user’s consent to it');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Revoke client' })).toHaveFocus();

    await user.click(screen.getByRole('button', { name: 'Revoke client' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Revoke client' }));
    expect(await screen.findByText('Client Billing revoked, with its tokens, codes and consents.')).toBeInTheDocument();
    expect(await screen.findByText(/^Revoked /)).toBeInTheDocument();
    expect(db.tokens.some((t) => t.clientId === 'billing-id')).toBe(false);
  });

  it('keeps the console client read-only', async () => {
    renderApp('/clients/tollgate-console');
    expect(await screen.findByText('This is Tollgate’s own console client: it cannot be revoked here.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save changes' })).not.toBeInTheDocument();
    expect(screen.getByText('A public client has no secret.')).toBeInTheDocument();
  });

  it('shows the API error for an unknown client', async () => {
    renderApp('/clients/nope');
    expect(await screen.findByText('Could not load this client')).toBeInTheDocument();
    expect(screen.getByText('No client with that id.')).toBeInTheDocument();
  });
});
