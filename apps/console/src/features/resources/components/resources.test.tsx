import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../../testing/db';
import { makeClient, makeResource } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

/** The JSON bodies of the requests with `method` sent while a test runs. */
function bodiesSent(method: string) {
  const sent: unknown[] = [];
  server.events.on('request:start', async ({ request }) => {
    if (request.method === method) sent.push(await request.clone().json());
  });
  return sent;
}

afterEach(() => server.events.removeAllListeners());

describe('APIs list', () => {
  it('lists APIs by name with their identifier, format and scopes, the default marked, from the nav', async () => {
    const { user } = renderApp('/');
    await user.click(await screen.findByRole('link', { name: 'APIs' }));
    const table = await screen.findByRole('table', { name: 'APIs' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell')[0]!.textContent?.trim())).toEqual(['Billing API', 'Reports API default']);
    expect(within(rows[1]!).getByText('https://reports.example.test/v1')).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('JWT (ES256)');
    expect(rows[1]).toHaveTextContent('5m');
    expect(rows[1]).toHaveTextContent('reports:write');
    expect(rows[0]).toHaveTextContent('Opaque');
    expect(rows[0]).toHaveTextContent('server default');
  });

  it('searches by name or identifier, and says when nothing matches', async () => {
    const { user, router } = renderApp('/apis');
    await user.type(await screen.findByRole('searchbox', { name: 'Search' }), 'reports.example');
    expect(await screen.findByText('Reports API')).toBeInTheDocument();
    await screen.findByText((_, element) => element?.tagName === 'TBODY' && element.children.length === 1);
    expect(router.state.location.search).toBe('?search=reports.example');
    await user.clear(screen.getByRole('searchbox', { name: 'Search' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'nothing-like-it');
    expect(await screen.findByText('No APIs match')).toBeInTheDocument();
  });

  it('pages through APIs with the API cursor', async () => {
    db.resources = Array.from({ length: 25 }, (_, i) => makeResource({ id: `res-${i}`, identifier: `https://api${i}.example.test`, name: `API ${String(i).padStart(2, '0')}` }));
    const { user } = renderApp('/apis');
    expect(await screen.findByText('API 00')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('API 24')).toBeInTheDocument();
    expect(screen.queryByText('API 00')).not.toBeInTheDocument();
    expect(screen.getByText('Page 2')).toBeInTheDocument();
  });

  it('shows an empty state with a way to register one, and the API error when the list fails', async () => {
    db.resources = [];
    const view = renderApp('/apis');
    expect(await screen.findByText('No APIs yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Register an API' })).toHaveAttribute('href', '/apis/new');
    view.unmount();
    server.use(http.get('/admin/api/resources', () => HttpResponse.json({ error: 'server_error', error_description: 'Database down.' }, { status: 500 })));
    renderApp('/apis');
    expect(await screen.findByText('Could not load the APIs')).toBeInTheDocument();
    expect(screen.getByText('Database down.')).toBeInTheDocument();
  });
});

describe('new API', () => {
  it('shows the API field errors under their inputs, and the 409 of an identifier taken', async () => {
    const { user } = renderApp('/apis/new');
    await user.type(await screen.findByRole('textbox', { name: 'Identifier' }), 'http://api.example.test/#x');
    await user.click(screen.getByRole('button', { name: 'Create API' }));
    expect(await screen.findByText('is required')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Identifier' })).toHaveAccessibleDescription(/must be an https URL/);

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Again');
    await user.clear(screen.getByRole('textbox', { name: 'Identifier' }));
    await user.type(screen.getByRole('textbox', { name: 'Identifier' }), 'https://billing.example.test');
    await user.click(screen.getByRole('button', { name: 'Create API' }));
    expect(await screen.findByText('an API with identifier https://billing.example.test already exists (Billing API)')).toBeInTheDocument();
    expect(db.resources).toHaveLength(2);
  });

  it('refuses a malformed lifetime before sending anything', async () => {
    const sent = bodiesSent('POST');
    const { user } = renderApp('/apis/new');
    await user.type(await screen.findByRole('textbox', { name: 'Access token lifetime' }), 'soon');
    await user.click(screen.getByRole('button', { name: 'Create API' }));
    expect(await screen.findByText('must be a duration such as 300, 5m, 1h or 1d')).toBeInTheDocument();
    expect(sent).toEqual([]);
  });

  it('creates a JWT API with existing and new scopes, then opens it', async () => {
    const sent = bodiesSent('POST');
    const { user, router } = renderApp('/apis/new');
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Invoices API');
    await user.type(screen.getByRole('textbox', { name: 'Identifier' }), 'https://invoices.example.test');
    await user.click(await screen.findByRole('checkbox', { name: /^read/ }));
    expect(screen.queryByRole('checkbox', { name: /oauth-admin/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: /openid/ })).not.toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: 'Add scopes' }), 'invoices:read invoices:write');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(screen.getByRole('checkbox', { name: /invoices:write new: created when you save/ })).toBeChecked();
    expect(screen.queryByRole('combobox', { name: 'JWT signing algorithm' })).not.toBeInTheDocument();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Access token format' }), 'jwt');
    expect(screen.getByText(/sees a revocation only when the token expires/)).toBeInTheDocument();
    await user.selectOptions(screen.getByRole('combobox', { name: 'JWT signing algorithm' }), 'RS256');
    await user.type(screen.getByRole('textbox', { name: 'Access token lifetime' }), '5m');
    await user.click(screen.getByRole('checkbox', { name: 'Default API' }));
    await user.click(screen.getByRole('button', { name: 'Create API' }));

    expect(await screen.findByText('API Invoices API created.')).toBeInTheDocument();
    expect(sent).toEqual([{
      name: 'Invoices API', identifier: 'https://invoices.example.test', scopes: ['read', 'invoices:read', 'invoices:write'], tokenFormat: 'jwt',
      accessTokenTtl: 300, signingAlg: 'RS256', isDefault: true,
    }]);
    expect(await screen.findByRole('heading', { level: 1, name: 'Invoices API' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/apis/res-3');
    expect(db.resources.find((r) => r.id === 'res-reports')?.isDefault).toBe(false);
    expect(db.scopes.map((s) => s.name)).toContain('invoices:write');
  });
});

describe('API detail', () => {
  it('saves only the changed fields', async () => {
    const sent = bodiesSent('PATCH');
    const { user } = renderApp('/apis/res-billing');
    const name = await screen.findByRole('textbox', { name: 'Name' });
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Nothing to save: no field changed.')).toBeInTheDocument();
    await user.clear(name);
    await user.type(name, 'Billing v2');
    await user.click(screen.getByRole('checkbox', { name: /^read/ }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('API Billing API saved.')).toBeInTheDocument();
    expect(sent).toEqual([{ name: 'Billing v2', scopes: [] }]);
    expect(await screen.findByRole('heading', { level: 1, name: 'Billing v2' })).toBeInTheDocument();
  });

  it('lists the resource servers linked to it and the clients that may ask for it, and a refused deletion says why', async () => {
    db.clients.push(makeClient({
      id: 'reports-rs-id', name: 'Reports gateway', resourceServer: true, grantTypes: [], scopes: [], allowedResources: [], resource: 'https://reports.example.test/v1',
    }));
    const { user } = renderApp('/apis/res-reports');
    const servers = await screen.findByRole('region', { name: 'Resource servers' });
    expect(await within(servers).findByRole('link', { name: 'Reports gateway' })).toHaveAttribute('href', '/clients/reports-rs-id');
    const askers = screen.getByRole('region', { name: 'Clients that may ask for it' });
    expect((await within(askers).findAllByRole('listitem')).map((item) => item.textContent)).toEqual(['Billing any API', 'Tollgate console any API']);
    await user.click(screen.getByRole('button', { name: 'Delete API' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete Reports API?' });
    expect(dialog).toHaveTextContent('Its resource-server clients must be unlinked or revoked first.');
    await user.click(within(dialog).getByRole('button', { name: 'Delete API' }));
    expect(await screen.findByText(/Could not delete the API: the API Reports API is linked to the resource-server client reports-rs-id/)).toBeInTheDocument();
    expect(db.resources.some((r) => r.id === 'res-reports')).toBe(true);
  });

  it('deletes after a confirmation, and goes back to the list', async () => {
    const { user, router } = renderApp('/apis/res-billing');
    await user.click(await screen.findByRole('button', { name: 'Delete API' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete Billing API?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(dialog).toHaveTextContent('Clients will no longer get tokens for https://billing.example.test');
    await user.click(within(dialog).getByRole('button', { name: 'Delete API' }));
    expect(await screen.findByText('API Billing API deleted.')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/apis');
    expect(db.resources.map((r) => r.id)).toEqual(['res-reports']);
  });

  it('shows the API error for an unknown API', async () => {
    renderApp('/apis/nope');
    expect(await screen.findByText('Could not load this API')).toBeInTheDocument();
  });
});

describe('APIs on the client form', () => {
  it('restricts a client to chosen APIs and lifts the restriction again', async () => {
    const sent = bodiesSent('PATCH');
    const { user } = renderApp('/clients/billing-id');
    const group = await screen.findByRole('group', { name: 'APIs this client may ask for' });
    expect(within(group).getByRole('radio', { name: 'Any API, with the scopes it is allowed' })).toBeChecked();
    await user.click(within(group).getByRole('radio', { name: 'Only the APIs chosen here' }));
    await user.click(await within(group).findByRole('checkbox', { name: /Reports API/ }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Client Billing saved.')).toBeInTheDocument();
    expect(db.clients[0]!.allowedResources).toEqual(['https://reports.example.test/v1']);

    await user.click(within(screen.getByRole('group', { name: 'APIs this client may ask for' })).getByRole('radio', { name: /^Any API/ }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findAllByText('Client Billing saved.')).not.toHaveLength(0);
    expect(sent).toEqual([{ allowedResources: ['https://reports.example.test/v1'] }, { allowedResources: null }]);
  });

  it('links a resource server to the API it introspects for, and shows the API\'s message under the field', async () => {
    const sent = bodiesSent('PATCH');
    const { user } = renderApp('/clients/billing-id');
    await screen.findByRole('group', { name: 'APIs this client may ask for' });
    expect(screen.queryByRole('combobox', { name: 'API it introspects for' })).not.toBeInTheDocument();
    await user.click(screen.getByText('More settings'));
    await user.click(screen.getByRole('checkbox', { name: 'Resource server' }));
    const linked = await screen.findByRole('combobox', { name: 'API it introspects for' });
    await user.selectOptions(linked, 'https://billing.example.test');
    server.use(http.patch('/admin/api/clients/:id', () => HttpResponse.json(
      { error: 'invalid_request', error_description: 'resource: no API has the identifier https://billing.example.test', fields: { resource: 'no API has the identifier https://billing.example.test: register it first' } },
      { status: 400 },
    ), { once: true }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    // The client form words the API's messages as sentences and moves focus to the field.
    expect(await screen.findByText('No API has the identifier https://billing.example.test: register it first.')).toBeInTheDocument();
    expect(linked).toHaveAccessibleDescription(/No API has the identifier/);
    await vi.waitFor(() => expect(linked).toHaveFocus());
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Client Billing saved.')).toBeInTheDocument();
    expect(sent.at(-1)).toEqual({ resourceServer: true, resource: 'https://billing.example.test' });
    expect(db.clients[0]).toMatchObject({ resourceServer: true, resource: 'https://billing.example.test' });
  });
});
