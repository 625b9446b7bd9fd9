import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { db } from '../../../testing/db';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

describe('scopes page', () => {
  it('lists scopes and marks the built-in ones', async () => {
    renderApp('/scopes');
    const row = (await screen.findByText('oauth-admin')).closest('tr')!;
    expect(within(row).getByText('built-in')).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: 'Read your data' })).toBeInTheDocument();
  });

  it('creates a scope, showing the API field errors first', async () => {
    const { user } = renderApp('/scopes');
    await user.type(await screen.findByLabelText('Name'), 'invoices write');
    await user.click(screen.getByRole('button', { name: 'Create scope' }));
    expect(await screen.findByText('may hold only printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)')).toBeInTheDocument();
    expect(screen.getByText('is required: the consent page shows it')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), 'invoices:write');
    await user.type(screen.getByLabelText('Description'), 'Send invoices for you');
    await user.click(screen.getByRole('button', { name: 'Create scope' }));
    expect(await screen.findByText('Scope invoices:write created.')).toBeInTheDocument();
    expect(await screen.findByRole('cell', { name: 'Send invoices for you' })).toBeInTheDocument();
  });

  it('edits a description in place', async () => {
    const { user } = renderApp('/scopes');
    await user.click(await screen.findByRole('button', { name: 'Edit read' }));
    const input = screen.getByLabelText('Description of read');
    expect(input).toHaveFocus();
    await user.clear(input);
    await user.type(input, 'Read your invoices{Enter}');
    expect(await screen.findByText('Scope read saved.')).toBeInTheDocument();
    expect(db.scopes.find((s) => s.name === 'read')?.description).toBe('Read your invoices');
  });

  it('shows the API error when the list fails', async () => {
    server.use(http.get('/admin/api/scopes', () => HttpResponse.json({ error: 'invalid_token', error_description: 'The access token is missing, expired or revoked.' }, { status: 500 })));
    renderApp('/scopes');
    expect(await screen.findByText('Could not load the scopes')).toBeInTheDocument();
  });
});
