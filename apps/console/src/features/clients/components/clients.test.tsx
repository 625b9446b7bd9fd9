import { cleanup, screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { db } from '../../../testing/db';
import { makeClient } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

function rows() {
  return screen.getAllByRole('row').slice(1);
}

/** A public app that registered itself with registration token iat-1 (in the mock data) and gave the RFC 7591 metadata. */
const agent = () => makeClient({
  id: 'agent-id', name: 'Research Agent', tokenEndpointAuthMethod: 'none', hasSecret: false, grantTypes: ['authorization_code', 'refresh_token'],
  redirectUris: ['http://127.0.0.1:8976/callback'], scopes: ['openid', 'read'], applicationType: 'native', policyUrl: 'https://agent.example/privacy',
  termsUrl: 'https://agent.example/terms', contacts: ['ops@agent.example', 'security@agent.example'], softwareId: 'research-agent', softwareVersion: '2.1.0',
  jwksUri: 'https://agent.example/jwks.json', registration: { kind: 'dynamic', initialAccessTokenId: 'iat-1', sourceAddress: '203.0.113.7' },
  createdAt: '2025-05-25T09:00:00.000Z',
});

/** A client whose id is the URL of its metadata document. */
const notes = () => makeClient({
  id: 'https://notes.example/client.json', name: 'Notes', tokenEndpointAuthMethod: 'none', hasSecret: false, grantTypes: ['authorization_code'],
  redirectUris: ['https://notes.example/cb'], scopes: ['openid'], registration: { kind: 'metadata_document', initialAccessTokenId: null, sourceAddress: null },
  createdAt: '2025-05-15T09:00:00.000Z',
});

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

  it('marks self-registered and metadata-document clients, and filters by how clients were registered', async () => {
    db.clients.push(agent(), notes());
    const { user, router } = renderApp('/clients');
    expect(await screen.findByRole('link', { name: 'Research Agent' })).toBeInTheDocument();
    expect(rows().map((row) => within(row).getAllByRole('cell')[0]!.textContent)).toEqual([
      'Billing', 'Research AgentSelf-registered', 'NotesMetadata document', 'Old App', 'Tollgate consolesystem',
    ]);

    await user.selectOptions(screen.getByLabelText('Registered'), 'Self-registered');
    await vi.waitFor(() => expect(screen.queryByRole('link', { name: 'Billing' })).not.toBeInTheDocument());
    expect(rows().map((row) => within(row).getAllByRole('cell')[0]!.textContent)).toEqual(['Research AgentSelf-registered']);
    expect(router.state.location.search).toBe('?registrationKind=dynamic');

    await user.selectOptions(screen.getByLabelText('Registered'), 'Metadata document');
    expect(await screen.findByRole('link', { name: 'Notes' })).toHaveAttribute('href', '/clients/https%3A%2F%2Fnotes.example%2Fclient.json');
    expect(rows()).toHaveLength(1);

    await user.selectOptions(screen.getByLabelText('Registered'), 'By an administrator');
    expect(await screen.findByRole('link', { name: 'Billing' })).toBeInTheDocument();
    expect(screen.queryByText('Self-registered', { selector: '.badge' })).not.toBeInTheDocument();
    expect(router.state.location.search).toBe('?registrationKind=admin');
  });

  it('reads the registration filter from the address, and says when nothing matches it', async () => {
    renderApp('/clients?registrationKind=metadata_document');
    expect(await screen.findByText('No clients match')).toBeInTheDocument();
    expect(screen.getByLabelText('Registered')).toHaveValue('metadata_document');
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
  it('starts from an application type and shows only the fields that apply to it', async () => {
    const { user } = renderApp('/clients/new');
    const machine = await screen.findByRole('radio', { name: /Machine to machine/ });
    expect(machine).toBeChecked();
    expect(screen.queryByRole('group', { name: 'Redirect URIs' })).not.toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Client type and authentication' })).toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Grant types' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('radio', { name: /Single-page app/ }));
    expect(screen.getByRole('group', { name: 'Redirect URIs' })).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Client type and authentication' })).not.toBeInTheDocument();
    expect(await screen.findByRole('checkbox', { name: /openid/ })).toBeChecked();

    await user.click(screen.getByRole('radio', { name: /API \(resource server\)/ }));
    expect(screen.queryByRole('group', { name: 'Scopes' })).not.toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Redirect URIs' })).not.toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Billing API');
    await user.click(screen.getByRole('button', { name: 'Create client' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Billing API is registered' })).toBeInTheDocument();
    expect(db.clients.at(-1)).toMatchObject({ name: 'Billing API', grantTypes: [], resourceServer: true, scopes: [], tokenEndpointAuthMethod: 'client_secret_basic' });
  });

  it('moves focus to the first invalid field and sums up every problem by the button, in sentences', async () => {
    const { user } = renderApp('/clients/new');
    await user.click(await screen.findByRole('radio', { name: /Web server app/ }));
    await user.type(screen.getByRole('textbox', { name: 'Access token lifetime' }), 'an hour');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    const name = screen.getByRole('textbox', { name: 'Name' });
    await vi.waitFor(() => expect(name).toHaveFocus());
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription(expect.stringContaining('Enter a name for the client.'));
    const summary = screen.getByRole('alert', { name: '3 things to fix before saving:' });
    expect(within(summary).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Name: Enter a name for the client.',
      'Redirect URIs: Add a redirect URI: users are sent back there after they sign in.',
      'Access token lifetime: Enter a duration such as 3600, 15m, 1h or 30d, or leave it blank for the server default.',
    ]);
    await user.click(within(summary).getByRole('link', { name: 'Access token lifetime' }));
    expect(screen.getByRole('textbox', { name: 'Access token lifetime' })).toHaveFocus();
    expect(db.clients).toHaveLength(3);
  });

  it('shows the API\'s message under the redirect URI it is about, and focuses that line', async () => {
    server.use(http.post('/admin/api/clients', () => HttpResponse.json({
      error: 'invalid_request', error_description: 'redirectUris.1: must use https', fields: { 'redirectUris.1': 'must use https (http only for localhost and loopback addresses)' },
    }, { status: 400 })));
    const { user } = renderApp('/clients/new');
    await user.click(await screen.findByRole('radio', { name: /Web server app/ }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Photos');
    await user.click(screen.getByRole('textbox', { name: 'Redirect URIs, line 1' }));
    await user.paste('https://photos.example/cb');
    await user.click(screen.getByRole('button', { name: 'Add a line to redirect uris' }));
    await user.click(screen.getByRole('textbox', { name: 'Redirect URIs, line 2' }));
    await user.paste('http://photos.example/cb');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    const second = screen.getByRole('textbox', { name: 'Redirect URIs, line 2' });
    await vi.waitFor(() => expect(second).toHaveFocus());
    expect(second).toHaveAccessibleDescription('Must use https (http only for localhost and loopback addresses).');
    expect(screen.getByRole('textbox', { name: 'Redirect URIs, line 1' })).not.toHaveAttribute('aria-invalid');
    expect(screen.getByRole('alert', { name: 'One thing to fix before saving:' })).toHaveTextContent('Redirect URIs, line 2: Must use https');
  });

  it('puts a client under the FAPI 2.0 profile with one checkbox, and shows it ticked when editing', async () => {
    const { user } = renderApp('/clients/new');
    await user.click(await screen.findByRole('radio', { name: /Web server app/ }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Bank');
    await user.click(screen.getByRole('textbox', { name: 'Redirect URIs, line 1' }));
    await user.paste('https://bank.example/cb');
    await user.click(screen.getByText('More settings'));
    const box = screen.getByRole('checkbox', { name: 'FAPI 2.0 profile' });
    expect(box).not.toBeChecked();
    expect(screen.getByText(/private_key_jwt only, pushed requests with PKCE/)).toBeInTheDocument();
    const dpop = screen.getByRole('checkbox', { name: 'Require DPoP' });
    expect(dpop).toBeEnabled();
    await user.click(box);
    // The profile requires both: shown on, fixed, and said why.
    for (const name of ['Require DPoP', 'Require pushed authorization requests (PAR)']) {
      const required = screen.getByRole('checkbox', { name });
      expect(required).toBeChecked();
      expect(required).toBeDisabled();
      expect(required).toHaveAccessibleDescription(/Always on under the FAPI 2\.0 profile\.$/);
    }
    await user.click(screen.getByRole('button', { name: 'Create client' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Bank is registered' })).toBeInTheDocument();
    expect(db.clients.at(-1)).toMatchObject({ name: 'Bank', securityProfile: 'fapi2', dpopBoundAccessTokens: true, requirePushedAuthorizationRequests: true });
    const id = db.clients.at(-1)!.id;
    cleanup();

    const edit = renderApp(`/clients/${id}/settings`);
    await edit.user.click(await screen.findByText('More settings'));
    expect(screen.getByRole('checkbox', { name: 'FAPI 2.0 profile' })).toBeChecked();
  });

  it('makes a sign-in app require pushed authorization requests, and offers it only where there are authorization requests', async () => {
    const { user } = renderApp('/clients/new');
    await user.click(await screen.findByRole('radio', { name: /Web server app/ }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Portal');
    await user.click(screen.getByRole('textbox', { name: 'Redirect URIs, line 1' }));
    await user.paste('https://portal.example/cb');
    await user.click(screen.getByText('More settings'));
    await user.click(screen.getByRole('checkbox', { name: 'Require pushed authorization requests (PAR)' }));
    await user.click(screen.getByRole('button', { name: 'Create client' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Portal is registered' })).toBeInTheDocument();
    expect(db.clients.at(-1)).toMatchObject({ name: 'Portal', requirePushedAuthorizationRequests: true });
    cleanup();

    const again = renderApp('/clients/new');
    await again.user.click(await screen.findByRole('radio', { name: /Custom/ }));
    await again.user.click(screen.getByText('More settings'));
    expect(screen.queryByRole('checkbox', { name: 'Require pushed authorization requests (PAR)' })).not.toBeInTheDocument();
  });

  it('offers the APIs a client may ask for, and for an API the one it introspects for', async () => {
    const { user } = renderApp('/clients/new');
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Invoicer');
    const apis = screen.getByRole('group', { name: 'APIs this client may ask for' });
    expect(within(apis).getByRole('radio', { name: 'Any API, with the scopes it is allowed' })).toBeChecked();
    expect(screen.queryByRole('combobox', { name: 'API it introspects for' })).not.toBeInTheDocument();
    await user.click(within(apis).getByRole('radio', { name: 'Only the APIs chosen here' }));
    await user.click(await within(apis).findByRole('checkbox', { name: /Reports API/ }));

    // An API gets no tokens: it is offered the API it introspects for instead, and the list it may ask for is dropped.
    await user.click(screen.getByRole('radio', { name: /API \(resource server\)/ }));
    expect(screen.queryByRole('group', { name: 'APIs this client may ask for' })).not.toBeInTheDocument();
    await user.selectOptions(screen.getByRole('combobox', { name: 'API it introspects for' }), 'https://billing.example.test');
    await user.click(screen.getByRole('radio', { name: /Machine to machine/ }));
    expect(screen.queryByRole('combobox', { name: 'API it introspects for' })).not.toBeInTheDocument();
    await user.click(within(screen.getByRole('group', { name: 'APIs this client may ask for' })).getByRole('radio', { name: 'Only the APIs chosen here' }));
    await user.click(await screen.findByRole('checkbox', { name: /Reports API/ }));
    await user.click(screen.getByRole('button', { name: 'Create client' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Invoicer is registered' })).toBeInTheDocument();
    expect(db.clients.at(-1)).toMatchObject({ name: 'Invoicer', resourceServer: false, allowedResources: ['https://reports.example.test/v1'], resource: null });
  });

  it('creates an API linked to the API it introspects for', async () => {
    const { user } = renderApp('/clients/new');
    await user.click(await screen.findByRole('radio', { name: /API \(resource server\)/ }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Billing gateway');
    const linked = screen.getByRole('combobox', { name: 'API it introspects for' });
    await screen.findByRole('option', { name: 'Billing API (https://billing.example.test)' });
    await user.selectOptions(linked, 'https://billing.example.test');
    await user.click(screen.getByRole('button', { name: 'Create client' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Billing gateway is registered' })).toBeInTheDocument();
    expect(db.clients.at(-1)).toMatchObject({ resourceServer: true, grantTypes: [], allowedResources: null, resource: 'https://billing.example.test' });
  });

  it('places the API\'s message about a chosen API on the APIs field, focuses it and sums it up', async () => {
    server.use(http.post('/admin/api/clients', () => HttpResponse.json({
      error: 'invalid_request', error_description: 'allowedResources.1: no API has the identifier https://gone.example.test',
      fields: { 'allowedResources.1': 'no API has the identifier https://gone.example.test: register it first' },
    }, { status: 400 })));
    const { user } = renderApp('/clients/new');
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Invoicer');
    const apis = screen.getByRole('group', { name: 'APIs this client may ask for' });
    await user.click(within(apis).getByRole('radio', { name: 'Only the APIs chosen here' }));
    await user.click(await within(apis).findByRole('checkbox', { name: /Billing API/ }));
    await user.click(within(apis).getByRole('checkbox', { name: /Reports API/ }));
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    await vi.waitFor(() => expect(within(apis).getByRole('radio', { name: 'Any API, with the scopes it is allowed' })).toHaveFocus());
    expect(apis).toHaveAttribute('aria-invalid', 'true');
    expect(apis).toHaveAccessibleDescription('No API has the identifier https://gone.example.test: register it first.');
    const summary = screen.getByRole('alert', { name: 'One thing to fix before saving:' });
    expect(summary).toHaveTextContent('APIs this client may ask for: No API has the identifier https://gone.example.test: register it first.');
    await user.click(screen.getByRole('textbox', { name: 'Name' }));
    await user.click(within(summary).getByRole('link', { name: 'APIs this client may ask for' }));
    expect(within(apis).getByRole('radio', { name: 'Any API, with the scopes it is allowed' })).toHaveFocus();
  });

  it('warns when another active client has the same name, without stopping the form', async () => {
    const { user } = renderApp('/clients/new');
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'billing ');
    await user.tab();
    const warning = await screen.findByText(/Another active client is already called/);
    expect(within(warning).getByRole('link', { name: 'Billing' })).toHaveAttribute('href', '/clients/billing-id');
    await user.clear(screen.getByRole('textbox', { name: 'Name' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Old App');
    await user.tab();
    await vi.waitFor(() => expect(screen.queryByText(/Another active client is already called/)).not.toBeInTheDocument());
  });

  it('creates a client, shows its secret once, and a quick start with its id and secret filled in', async () => {
    const { user } = renderApp('/clients/new');
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Reports');
    await user.click(await screen.findByRole('checkbox', { name: /read/ }));
    // The API refuses oauth-admin on any client but the console's, so the form does not offer it.
    expect(screen.getByRole('checkbox', { name: /openid/ })).toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: /oauth-admin/ })).not.toBeInTheDocument();
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
    const curl = await screen.findByRole('figure', { name: 'Get a token with curl' });
    expect(curl).toHaveTextContent("CLIENT_SECRET='tg_cs_new-secret-value'");
    expect(curl).toHaveTextContent("curl -sS 'http://localhost:3000/oauth/token'");
    expect(curl).toHaveTextContent("-u 'reports-id:'\"$CLIENT_SECRET\"");
  });
});

describe('client detail', () => {
  it('saves only the changed fields and shows a bad redirect URI\'s message under its line', async () => {
    db.clients[0] = makeClient({ grantTypes: ['authorization_code'], redirectUris: ['https://billing.example/cb'] });
    let sent: unknown = null;
    server.events.on('request:start', async ({ request }) => {
      if (request.method === 'PATCH') sent = await request.clone().json();
    });
    const { user } = renderApp('/clients/billing-id');
    await user.click(await screen.findByRole('button', { name: 'Add a line to redirect uris' }));
    await user.click(screen.getByRole('textbox', { name: 'Redirect URIs, line 2' }));
    await user.paste('http://billing.example/cb');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    const second = screen.getByRole('textbox', { name: 'Redirect URIs, line 2' });
    expect(await screen.findByText('Must use https (http only for localhost and loopback addresses).')).toBeInTheDocument();
    expect(second).toHaveAttribute('aria-invalid', 'true');
    await vi.waitFor(() => expect(second).toHaveFocus());

    await user.click(screen.getByRole('button', { name: 'Remove line 2 of redirect uris' }));
    await user.clear(screen.getByRole('textbox', { name: 'Redirect URIs, line 1' }));
    await user.click(screen.getByRole('textbox', { name: 'Redirect URIs, line 1' }));
    await user.paste('https://billing.example/callback');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Client Billing saved.')).toBeInTheDocument();
    expect(sent).toEqual({ redirectUris: ['https://billing.example/callback'] });
    server.events.removeAllListeners();
  });

  it('says, before sending, that only a resource server introspects for an API', async () => {
    db.clients[0] = makeClient({ resourceServer: true, grantTypes: [], scopes: [], resource: 'https://billing.example.test' });
    const { user } = renderApp('/clients/billing-id');
    const linked = await screen.findByRole('combobox', { name: 'API it introspects for' });
    expect(linked).toHaveValue('https://billing.example.test');
    await user.click(screen.getByText('More settings'));
    await user.click(screen.getByRole('checkbox', { name: 'Resource server' }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await vi.waitFor(() => expect(linked).toHaveFocus());
    expect(linked).toHaveAccessibleDescription(/Only a resource server introspects for an API: tick Resource server, or choose None\./);
    expect(screen.getByRole('alert', { name: 'One thing to fix before saving:' })).toHaveTextContent('API it introspects for: Only a resource server');
    await user.selectOptions(linked, '');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Client Billing saved.')).toBeInTheDocument();
    expect(db.clients[0]).toMatchObject({ resourceServer: false, resource: null });
  });

  it('shows a read-only client\'s APIs', async () => {
    db.clients.push(makeClient({ id: 'gone-id', name: 'Gone', status: 'revoked', revokedAt: '2025-05-20T09:00:00.000Z', allowedResources: ['https://reports.example.test/v1'] }));
    renderApp('/clients/gone-id');
    const settings = await screen.findByRole('region', { name: 'Settings' });
    expect(settings).toHaveTextContent('APIs it may ask forhttps://reports.example.test/v1');
    expect(settings).not.toHaveTextContent('API it introspects for');
    cleanup();
    renderApp('/clients/tollgate-console');
    expect(await screen.findByRole('region', { name: 'Settings' })).toHaveTextContent('APIs it may ask forAny API');
  });

  it('has tabs addressable by URL', async () => {
    const { user, router } = renderApp('/clients/billing-id');
    const tabs = await screen.findByRole('navigation', { name: 'Client sections' });
    expect(within(tabs).getByRole('link', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
    await user.click(within(tabs).getByRole('link', { name: 'Credentials' }));
    expect(router.state.location.pathname).toBe('/clients/billing-id/credentials');
    expect(await screen.findByRole('button', { name: 'Rotate secret' })).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Client sections' })).getByRole('link', { name: 'Credentials' })).toHaveAttribute('aria-current', 'page');
    cleanup();

    renderApp('/clients/billing-id/tokens');
    expect(await screen.findByRole('heading', { name: 'Active tokens' })).toBeInTheDocument();
    expect(await screen.findByText('tg_at_Ab12Cd…')).toBeInTheDocument();
    cleanup();

    renderApp('/clients/billing-id/activity');
    expect(await screen.findByRole('heading', { name: 'Activity' })).toBeInTheDocument();
    cleanup();

    renderApp('/clients/billing-id/nonsense');
    expect(await screen.findByText(/This client has no section called “nonsense”/)).toBeInTheDocument();
  });

  it('rotates the secret after a confirmation and shows the new one once', async () => {
    const { user } = renderApp('/clients/billing-id/credentials');
    await user.click(await screen.findByRole('button', { name: 'Rotate secret' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Rotate the secret of Billing?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));

    expect(await screen.findByRole('textbox', { name: 'Client secret' })).toHaveValue('tg_cs_rotated-secret');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('says a private_key_jwt client signs with its keys and has no secret to rotate, and its form keeps the method', async () => {
    db.clients[0] = makeClient({ tokenEndpointAuthMethod: 'private_key_jwt', hasSecret: false, jwksUri: 'https://billing.example/jwks.json' });
    const { user } = renderApp('/clients/billing-id/credentials');
    const credentials = await screen.findByRole('region', { name: 'Credentials' });
    expect(credentials).toHaveTextContent('A JWT it signs with one of its registered keys (private_key_jwt, RFC 7523)');
    expect(credentials).toHaveTextContent('This client has no secret: it signs its requests with its registered keys.');
    expect(screen.queryByRole('button', { name: 'Rotate secret' })).not.toBeInTheDocument();
    await user.click(within(screen.getByRole('navigation', { name: 'Client sections' })).getByRole('link', { name: 'Settings' }));
    expect(await screen.findByRole('combobox', { name: 'Client type and authentication' })).toHaveDisplayValue('A JWT signed with its keys (private_key_jwt)');
  });

  it('gives a quick start filled in with the client\'s id and the server\'s issuer', async () => {
    renderApp('/clients/billing-id/quick-start');
    const curl = await screen.findByRole('figure', { name: 'Get a token with curl' });
    expect(curl).toHaveTextContent("curl -sS 'http://localhost:3000/oauth/token'");
    expect(curl).toHaveTextContent("-u 'billing-id:'\"$CLIENT_SECRET\"");
    expect(curl).not.toHaveTextContent('tg_cs_');
    expect(screen.getByRole('figure', { name: 'Call an API with @tollgate/token-agent' })).toHaveTextContent("clientId: 'billing-id'");
    expect(screen.queryByRole('figure', { name: /oidc-client-ts/ })).not.toBeInTheDocument();
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

  it('says a self-registered client registered itself, with which token and from where, and shows its metadata', async () => {
    db.clients.push(agent());
    renderApp('/clients/agent-id');
    expect(await screen.findByRole('heading', { level: 1, name: 'Research Agent' })).toBeInTheDocument();
    expect(screen.getByText('Self-registered', { selector: '.badge' })).toBeInTheDocument();
    const overview = screen.getByRole('region', { name: 'Overview' });
    const token = await within(overview).findByRole('link', { name: 'tg_iat_Mc9Pq2…' });
    expect(token).toHaveAttribute('href', '/registration?token=iat-1');
    expect(overview).toHaveTextContent('RegisteredBy itself (dynamic registration), with registration token tg_iat_Mc9Pq2… (MCP agents), from 203.0.113.7');

    const metadata = screen.getByRole('region', { name: 'Metadata' });
    expect(metadata).toHaveTextContent('Application typeNative (runs on a device)');
    expect(within(metadata).getByRole('link', { name: 'https://agent.example/privacy' })).toHaveAttribute('href', 'https://agent.example/privacy');
    expect(within(metadata).getByRole('link', { name: 'https://agent.example/terms' })).toHaveAttribute('rel', 'noreferrer noopener');
    expect(metadata).toHaveTextContent('Contactsops@agent.examplesecurity@agent.example');
    expect(metadata).toHaveTextContent('Softwareresearch-agent, version 2.1.0');
    expect(metadata).toHaveTextContent('Public keysFrom https://agent.example/jwks.json');
  });

  it('names a registration without a token by its address, and keys given inline by their count', async () => {
    db.clients.push(makeClient({
      id: 'open-id', name: 'Open App', registration: { kind: 'dynamic', initialAccessTokenId: null, sourceAddress: '198.51.100.4' },
      jwks: { keys: [{ kty: 'EC' }, { kty: 'RSA' }] },
    }));
    renderApp('/clients/open-id');
    const overview = await screen.findByRole('region', { name: 'Overview' });
    expect(overview).toHaveTextContent('RegisteredBy itself (dynamic registration), without a token, from 198.51.100.4');
    expect(screen.getByRole('region', { name: 'Metadata' })).toHaveTextContent('Public keysGiven inline (2 keys)');
  });

  it('says when the registration token a client used is no longer kept', async () => {
    db.clients.push(agent());
    db.registrationTokens = [];
    renderApp('/clients/agent-id');
    const overview = await screen.findByRole('region', { name: 'Overview' });
    expect(await within(overview).findByText(/a registration token no longer kept/)).toBeInTheDocument();
    expect(within(overview).queryByRole('link', { name: /tg_iat_/ })).not.toBeInTheDocument();
  });

  it('shows a metadata-document client\'s document URL, and an administrator\'s client as such with no metadata', async () => {
    db.clients.push(notes());
    renderApp('/clients/https%3A%2F%2Fnotes.example%2Fclient.json');
    const overview = await screen.findByRole('region', { name: 'Overview' });
    expect(screen.getByText('Metadata document', { selector: '.badge' })).toBeInTheDocument();
    expect(overview).toHaveTextContent('RegisteredFrom its metadata document at https://notes.example/client.json');
    expect(within(overview).getByRole('link', { name: 'https://notes.example/client.json' })).toHaveAttribute('href', 'https://notes.example/client.json');
    cleanup();

    renderApp('/clients/billing-id');
    expect(await screen.findByRole('region', { name: 'Overview' })).toHaveTextContent('RegisteredBy an administrator');
    expect(screen.getByRole('region', { name: 'Metadata' })).toHaveTextContent('Application typeWebNo policy or terms URL, contacts, software or public keys registered.');
  });

  it('keeps the console client read-only', async () => {
    renderApp('/clients/tollgate-console');
    expect(await screen.findByText('This is Tollgate’s own console client: it cannot be revoked or deleted here.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save changes' })).not.toBeInTheDocument();
    cleanup();
    renderApp('/clients/tollgate-console/credentials');
    expect(await screen.findByText('A public client has no secret.')).toBeInTheDocument();
  });

  it('deletes a revoked client after a confirmation, and goes back to the list', async () => {
    const { user, router } = renderApp('/clients/old-id');
    expect(screen.queryByRole('button', { name: 'Revoke client' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Delete client' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete Old App?' });
    expect(dialog).toHaveTextContent('This cannot be undone.');
    await user.click(within(dialog).getByRole('button', { name: 'Delete client' }));
    expect(await screen.findByText('Client Old App deleted.')).toBeInTheDocument();
    await vi.waitFor(() => expect(router.state.location.pathname).toBe('/clients'));
    expect(db.clients.some((c) => c.id === 'old-id')).toBe(false);
  });

  it('shows the API error for an unknown client', async () => {
    renderApp('/clients/nope');
    expect(await screen.findByText('Could not load this client')).toBeInTheDocument();
    expect(screen.getByText('No client with that id.')).toBeInTheDocument();
  });
});
