import { screen, within } from '@testing-library/react';
import { calculateJwkThumbprint } from 'jose';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../../testing/db';
import { makeClient } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

const EC_KEY = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'ec-1', alg: 'ES256' };
const OKP_KEY = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'ed-1' };

/** The bodies of the admin API requests the page sends, by method. */
function recordRequests() {
  const sent: { method: string; body: unknown }[] = [];
  server.events.on('request:start', async ({ request }) => {
    if (request.method === 'POST' || request.method === 'PATCH') sent.push({ method: request.method, body: await request.clone().json().catch(() => null) });
  });
  return sent;
}

afterEach(() => {
  server.events.removeAllListeners();
});

describe('private_key_jwt in the client form', () => {
  it('creates a private_key_jwt client from a pasted key set, refusing a private key before sending anything', async () => {
    const sent = recordRequests();
    const { user } = renderApp('/clients/new');
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Ledger');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Client type and authentication' }), 'private_key_jwt');
    expect(screen.getByRole('radio', { name: /Pasted here/ })).toBeChecked();
    const keySet = screen.getByRole('textbox', { name: 'Key set (JSON)' });
    await user.click(keySet);
    await user.paste(JSON.stringify({ keys: [{ ...EC_KEY, d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI' }] }));
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    const refusal = 'Key 1 is a private key (it has the member "d"). Paste the public keys only: the private key stays with the client.';
    expect(await screen.findByRole('alert', { name: 'One thing to fix before saving:' })).toHaveTextContent(`Key set (JSON): ${refusal}`);
    expect(keySet).toHaveAttribute('aria-invalid', 'true');
    expect(keySet).toHaveAccessibleDescription(expect.stringContaining(refusal));
    await vi.waitFor(() => expect(keySet).toHaveFocus());
    expect(sent).toEqual([]);

    await user.clear(keySet);
    await user.paste('{"keys": [');
    await user.click(screen.getByRole('button', { name: 'Create client' }));
    await vi.waitFor(() => expect(keySet).toHaveAccessibleDescription(expect.stringContaining('This is not valid JSON.')));
    await user.clear(keySet);
    await user.paste(JSON.stringify({ keys: [EC_KEY] }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Assertion signing algorithm' }), 'ES256');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Ledger is registered' })).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'Client secret' })).not.toBeInTheDocument();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({ name: 'Ledger', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [EC_KEY] }, jwksUri: null, tokenEndpointAuthSigningAlg: 'ES256' });
  });

  it('takes the keys by URL instead, checks it is https, and shows the API\'s message about it under the field', async () => {
    server.use(http.post('/admin/api/clients', () => HttpResponse.json({
      error: 'invalid_request', error_description: 'The request is not valid: see fields.', fields: { jwksUri: 'https://keys.example/jwks.json#a must not have a fragment' },
    }, { status: 400 })));
    const { user } = renderApp('/clients/new');
    await user.type(await screen.findByRole('textbox', { name: 'Name' }), 'Batch');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Client type and authentication' }), 'private_key_jwt');
    await user.click(screen.getByRole('radio', { name: /From a URL/ }));
    const url = screen.getByRole('textbox', { name: 'Key set URL' });
    await user.type(url, 'http://keys.example/jwks.json');
    await user.click(screen.getByRole('button', { name: 'Create client' }));
    expect(await screen.findByText('The key set URL must use https.')).toBeInTheDocument();

    await user.clear(url);
    await user.type(url, 'https://keys.example/jwks.json');
    await user.click(screen.getByRole('button', { name: 'Create client' }));
    expect(await screen.findByText('Https://keys.example/jwks.json#a must not have a fragment.')).toBeInTheDocument();
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('alert', { name: 'One thing to fix before saving:' })).toHaveTextContent('Key set URL:');
  });
});

describe('switching between a secret and keys', () => {
  it('warns that the secret goes, saves the switch, then switching back shows the new secret once', async () => {
    const sent = recordRequests();
    const { user } = renderApp('/clients/billing-id');
    const method = await screen.findByRole('combobox', { name: 'Client type and authentication' });
    await user.selectOptions(method, 'private_key_jwt');
    expect(screen.getByText(/Saving deletes the client’s secret/)).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: /From a URL/ }));
    await user.type(screen.getByRole('textbox', { name: 'Key set URL' }), 'https://billing.example/jwks.json');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(await screen.findByText('Client Billing saved. Its secret was deleted: it now authenticates with JWTs signed by its keys.')).toBeInTheDocument();
    expect(sent.at(-1)).toEqual({ method: 'PATCH', body: { tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://billing.example/jwks.json' } });
    expect(db.clients[0]).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', hasSecret: false });

    await user.selectOptions(await screen.findByRole('combobox', { name: 'Client type and authentication' }), 'client_secret_basic');
    expect(screen.getByText(/Saving gives the client a new secret, shown once/)).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'Key set URL' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByRole('textbox', { name: 'New client secret' })).toHaveValue('tg_cs_switched-secret');
    expect(screen.getByText('Client Billing saved with a new secret. Copy it now: it is not shown again.')).toBeInTheDocument();
    expect(sent.at(-1)).toEqual({ method: 'PATCH', body: { tokenEndpointAuthMethod: 'client_secret_basic' } });
    await user.click(screen.getByRole('button', { name: 'I have saved it' }));
    expect(screen.queryByRole('textbox', { name: 'New client secret' })).not.toBeInTheDocument();
  });
});

describe('a private_key_jwt client\'s credentials tab', () => {
  it('lists its keys with their thumbprints and signing algorithm, and replaces them (a private key refused)', async () => {
    db.clients[0] = makeClient({ tokenEndpointAuthMethod: 'private_key_jwt', hasSecret: false, jwks: { keys: [EC_KEY] }, tokenEndpointAuthSigningAlg: 'ES256' });
    const sent = recordRequests();
    const { user } = renderApp('/clients/billing-id/credentials');
    const credentials = await screen.findByRole('region', { name: 'Credentials' });
    expect(credentials).toHaveTextContent('Assertion signing algorithmES256');
    const table = within(credentials).getByRole('table', { name: 'Registered public keys' });
    const [row] = within(table).getAllByRole('row').slice(1);
    const print = await calculateJwkThumbprint(EC_KEY, 'sha256');
    await vi.waitFor(() => expect(within(row!).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['ec-1', 'EC P-256', 'ES256', print]));

    await user.click(screen.getByRole('button', { name: 'Replace keys' }));
    const form = screen.getByRole('form', { name: 'Replace keys' });
    const keySet = within(form).getByRole('textbox', { name: 'Key set (JSON)' });
    expect(keySet).toHaveValue(JSON.stringify({ keys: [EC_KEY] }, null, 2));
    await user.clear(keySet);
    await user.paste(JSON.stringify({ keys: [{ ...OKP_KEY, d: 'private' }] }));
    await user.click(within(form).getByRole('button', { name: 'Save keys' }));
    expect(await within(form).findByText(/Key 1 is a private key \(it has the member "d"\)/)).toBeInTheDocument();
    expect(sent).toEqual([]);

    await user.clear(keySet);
    await user.paste(JSON.stringify({ keys: [EC_KEY, OKP_KEY] }));
    await user.click(within(form).getByRole('button', { name: 'Save keys' }));
    expect(await screen.findByText('Keys of Billing replaced: JWTs signed by other keys are refused from now on.')).toBeInTheDocument();
    expect(sent).toEqual([{ method: 'PATCH', body: { jwks: { keys: [EC_KEY, OKP_KEY] }, jwksUri: null } }]);
    expect(screen.queryByRole('form', { name: 'Replace keys' })).not.toBeInTheDocument();
    const okpPrint = await calculateJwkThumbprint(OKP_KEY, 'sha256');
    await vi.waitFor(() => expect(within(screen.getByRole('table', { name: 'Registered public keys' })).getAllByRole('row')).toHaveLength(3));
    await vi.waitFor(() => expect(screen.getByRole('table', { name: 'Registered public keys' })).toHaveTextContent(okpPrint));
  });

  it('shows the API\'s refusal of new keys under the key set field', async () => {
    db.clients[0] = makeClient({ tokenEndpointAuthMethod: 'private_key_jwt', hasSecret: false, jwksUri: 'https://billing.example/jwks.json' });
    server.use(http.patch('/admin/api/clients/:id', () => HttpResponse.json({
      error: 'invalid_request', error_description: 'The request is not valid: see fields.', fields: { jwksUri: 'https://10.0.0.1/jwks.json is not allowed' },
    }, { status: 400 })));
    const { user } = renderApp('/clients/billing-id/credentials');
    await user.click(await screen.findByRole('button', { name: 'Change key set URL' }));
    const url = screen.getByRole('textbox', { name: 'Key set URL' });
    expect(url).toHaveValue('https://billing.example/jwks.json');
    await user.clear(url);
    await user.type(url, 'https://10.0.0.1/jwks.json');
    await user.click(screen.getByRole('button', { name: 'Save keys' }));
    expect(await screen.findByText('Https://10.0.0.1/jwks.json is not allowed.')).toBeInTheDocument();
    expect(url).toHaveAttribute('aria-invalid', 'true');
  });
});

describe('the client form\'s settings checkboxes', () => {
  it('show the API\'s message under the checkbox it is about, tied to it, for DPoP, PAR and resource server alike', async () => {
    db.clients[0] = makeClient({ grantTypes: ['authorization_code'], redirectUris: ['https://billing.example/cb'] });
    server.use(http.patch('/admin/api/clients/:id', () => HttpResponse.json({
      error: 'invalid_request', error_description: 'The request is not valid: see fields.',
      fields: { dpopBoundAccessTokens: 'not for this client', requirePushedAuthorizationRequests: 'not now', resourceServer: 'not here' },
    }, { status: 400 })));
    const { user } = renderApp('/clients/billing-id');
    await user.click(await screen.findByText('More settings'));
    await user.click(screen.getByRole('checkbox', { name: 'Require DPoP' }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    for (const [name, message] of [['Require DPoP', 'Not for this client.'], ['Require pushed authorization requests (PAR)', 'Not now.'], ['Resource server', 'Not here.']]) {
      const box = await screen.findByRole('checkbox', { name });
      await vi.waitFor(() => expect(box).toHaveAttribute('aria-invalid', 'true'));
      expect(box).toHaveAccessibleDescription(expect.stringContaining(message!));
    }
  });
});

describe('the token exchange policy in the client form', () => {
  it('appears with the token exchange grant, places the API\'s message under the client id it names, and saves the policy', async () => {
    const sent = recordRequests();
    const { user } = renderApp('/clients/billing-id');
    await screen.findByRole('combobox', { name: 'Client type and authentication' });
    expect(screen.queryByRole('group', { name: 'Token exchange' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: /Token exchange/ }));
    const policy = screen.getByRole('group', { name: 'Token exchange' });
    const impersonation = within(policy).getByRole('checkbox', { name: 'May exchange without an actor token (impersonation)' });
    expect(impersonation).toBeChecked();
    await user.click(impersonation);
    await user.type(within(policy).getByRole('textbox', { name: 'Clients whose tokens it may exchange, line 1' }), 'nobody-id');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    const line = await screen.findByRole('textbox', { name: 'Clients whose tokens it may exchange, line 1' });
    await vi.waitFor(() => expect(line).toHaveAttribute('aria-invalid', 'true'));
    expect(line).toHaveAccessibleDescription('No client has id nobody-id.');
    expect(screen.getByRole('alert', { name: 'One thing to fix before saving:' })).toHaveTextContent('Clients whose tokens it may exchange, line 1: No client has id nobody-id.');

    await user.clear(line);
    await user.type(line, 'old-id');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Client Billing saved.')).toBeInTheDocument();
    expect(sent.at(-1)).toEqual({
      method: 'PATCH',
      body: { grantTypes: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'], tokenExchange: { subjectClients: ['old-id'], impersonation: false } },
    });
    expect(db.clients[0]!.tokenExchange).toEqual({ subjectClients: ['old-id'], impersonation: false });
  });
});
