import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { db } from '../../../testing/db';
import { makeToken } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';


/** The choices a picker's open list shows, as text. */
function choices(name: string): (string | null)[] {
  const list = screen.queryByRole('listbox', { name });
  return list ? within(list).queryAllByRole('option').map((option) => option.textContent) : [];
}

describe('tokens page', () => {
  it('shows clients and users by name, linked to their pages, and hides the console\'s own tokens until asked', async () => {
    db.tokens.push(makeToken({ id: 'tok-3', prefix: 'tg_at_Ee55Ff', userId: 'user-erin', username: 'erin' }));
    const { user, router } = renderApp('/tokens');
    expect(await screen.findByText('tg_at_Ab12Cd…')).toBeInTheDocument();
    const row = screen.getByText('tg_at_Ee55Ff…').closest('tr')!;
    expect(within(row).getByRole('link', { name: 'Billing' })).toHaveAttribute('href', '/clients/billing-id');
    expect(within(row).getByRole('link', { name: 'erin' })).toHaveAttribute('href', '/users/user-erin');
    expect(screen.queryByText('tg_rt_Zz98Yy…')).not.toBeInTheDocument();

    await user.click(screen.getByRole('checkbox', { name: 'Show the console\u2019s own activity' }));
    const consoleRow = (await screen.findByText('tg_rt_Zz98Yy…')).closest('tr')!;
    expect(within(consoleRow).getByRole('link', { name: 'Tollgate console' })).toHaveAttribute('href', '/clients/tollgate-console');
    expect(within(consoleRow).getByRole('link', { name: 'admin' })).toHaveAttribute('href', '/users/user-admin');
    expect(router.state.location.search).toBe('?console=shown');
  });

  it('says when a client or user no longer exists instead of linking to nothing', async () => {
    db.tokens = [makeToken({ clientId: 'gone-id', clientName: null, userId: 'gone-user', username: null })];
    renderApp('/tokens');
    const row = (await screen.findByText('tg_at_Ab12Cd…')).closest('tr')!;
    expect(within(row).getByText('gone-id')).toBeInTheDocument();
    expect(within(row).getAllByText('(deleted)')).toHaveLength(2);
    expect(within(row).queryAllByRole('link')).toEqual([]);
  });

  it('filters by kind, and by client and user picked by name as you type', async () => {
    db.tokens.push(makeToken({ id: 'tok-3', prefix: 'tg_at_Ee55Ff', userId: 'user-erin', username: 'erin' }));
    const { user, router } = renderApp('/tokens?console=shown');
    expect(await screen.findByText('tg_rt_Zz98Yy…')).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Kind'), 'refresh');
    await expect.poll(() => screen.queryByText('tg_at_Ab12Cd…'), { timeout: 4000 }).toBeNull();
    expect(router.state.location.search).toBe('?console=shown&kind=refresh');
    await user.selectOptions(screen.getByLabelText('Kind'), '');

    const client = screen.getByRole('combobox', { name: 'Client' });
    await user.type(client, 'bill');
    expect(screen.getByRole('listbox', { name: 'Client' })).toBeInTheDocument();
    await expect.poll(() => choices('Client'), { timeout: 4000 }).toEqual(['Billingbilling-id']);
    await user.click(screen.getByRole('option', { name: /Billing/ }));
    expect(await screen.findByRole('button', { name: 'Revoke all tokens of this client' })).toBeInTheDocument();
    expect(router.state.location.search).toBe('?console=shown&clientId=billing-id');
    expect(client).toHaveValue('Billing');
    await expect.poll(() => screen.queryByText('tg_rt_Zz98Yy…'), { timeout: 4000 }).toBeNull();

    const person = screen.getByRole('combobox', { name: 'User' });
    await user.type(person, 'eri');
    await expect.poll(() => choices('User'), { timeout: 4000 }).toEqual(['Erin End-User (erin)erin@example.com']);
    await user.keyboard('{ArrowDown}{Enter}');
    expect(router.state.location.search).toBe('?console=shown&clientId=billing-id&userId=user-erin');
    await expect.poll(() => screen.queryByText('tg_at_Ab12Cd…'), { timeout: 4000 }).toBeNull();
    expect(screen.getByText('tg_at_Ee55Ff…')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Clear Client' }));
    expect(router.state.location.search).toBe('?console=shown&userId=user-erin');
  });

  it('opens with a client from the address and shows its name in the picker', async () => {
    renderApp('/tokens?clientId=billing-id');
    expect(await screen.findByDisplayValue('Billing')).toBe(screen.getByRole('combobox', { name: 'Client' }));
  });

  it('revokes one token after a confirmation', async () => {
    db.tokens.push(makeToken({ id: 'tok-3', prefix: 'tg_at_Ee55Ff' }));
    const { user } = renderApp('/tokens');
    await user.click(await screen.findByRole('button', { name: 'Revoke token tg_at_Ab12Cd' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke token tg_at_Ab12Cd…?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));

    expect(await screen.findByText('Token revoked.')).toBeInTheDocument();
    await screen.findByText('tg_at_Ee55Ff…');
    expect(screen.queryByText('tg_at_Ab12Cd…')).not.toBeInTheDocument();
  });

  it("revokes all of a client's tokens, naming the client", async () => {
    db.tokens.push(makeToken({ id: 'tok-3', prefix: 'tg_at_Qq11Ww' }));
    const { user } = renderApp('/tokens?clientId=billing-id');
    await screen.findByText('tg_at_Qq11Ww…');
    await user.click(screen.getByRole('button', { name: 'Revoke all tokens of this client' }));
    await user.click(within(screen.getByRole('alertdialog', { name: 'Revoke every token of Billing?' })).getByRole('button', { name: 'Revoke all' }));

    expect(await screen.findByText('2 tokens of Billing revoked.')).toBeInTheDocument();
    expect(await screen.findByText('No active tokens')).toBeInTheDocument();
  });

  it('shows the API error when a revocation fails', async () => {
    server.use(http.post('/admin/api/tokens/:id/revoke', () => HttpResponse.json({ error: 'conflict', error_description: 'The token is already revoked.' }, { status: 409 })));
    const { user } = renderApp('/tokens');
    await user.click(await screen.findByRole('button', { name: 'Revoke token tg_at_Ab12Cd' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Revoke token' }));
    expect(await screen.findByText('Could not revoke the token: The token is already revoked.')).toBeInTheDocument();
  });

  it('shows the API error when the list fails', async () => {
    server.use(http.get('/admin/api/tokens', () => HttpResponse.json({ error: 'insufficient_scope', error_description: 'This needs the oauth-admin scope.' }, { status: 403 })));
    renderApp('/tokens');
    expect(await screen.findByText('Could not load the tokens')).toBeInTheDocument();
    expect(screen.getByText('This needs the oauth-admin scope.')).toBeInTheDocument();
  });
});
