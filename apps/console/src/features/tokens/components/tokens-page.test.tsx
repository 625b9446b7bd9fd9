import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { db } from '../../../testing/db';
import { makeToken } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

describe('tokens page', () => {
  it('lists active tokens by prefix only and filters by kind and client', async () => {
    const { user, router } = renderApp('/tokens');

    expect(await screen.findByText('tg_at_Ab12Cd…')).toBeInTheDocument();
    expect(screen.getByText('tg_rt_Zz98Yy…')).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Kind'), 'refresh');
    await screen.findByText('tg_rt_Zz98Yy…');
    expect(screen.queryByText('tg_at_Ab12Cd…')).not.toBeInTheDocument();
    expect(router.state.location.search).toBe('?kind=refresh');

    await user.selectOptions(screen.getByLabelText('Kind'), '');
    await user.type(screen.getByLabelText('Client ID'), 'billing-id{Enter}');
    expect(await screen.findByRole('button', { name: 'Revoke all tokens of this client' })).toBeInTheDocument();
    expect(screen.queryByText('tg_rt_Zz98Yy…')).not.toBeInTheDocument();
  });

  it('revokes one token after a confirmation', async () => {
    const { user } = renderApp('/tokens');
    await user.click(await screen.findByRole('button', { name: 'Revoke token tg_at_Ab12Cd' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke token tg_at_Ab12Cd…?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));

    expect(await screen.findByText('Token revoked.')).toBeInTheDocument();
    await screen.findByText('tg_rt_Zz98Yy…');
    expect(screen.queryByText('tg_at_Ab12Cd…')).not.toBeInTheDocument();
  });

  it("revokes all of a client's tokens", async () => {
    db.tokens.push(makeToken({ id: 'tok-3', prefix: 'tg_at_Qq11Ww' }));
    const { user } = renderApp('/tokens?clientId=billing-id');
    await screen.findByText('tg_at_Qq11Ww…');
    await user.click(screen.getByRole('button', { name: 'Revoke all tokens of this client' }));
    await user.click(within(screen.getByRole('alertdialog', { name: 'Revoke every token of client billing-id?' })).getByRole('button', { name: 'Revoke all' }));

    expect(await screen.findByText('2 tokens of billing-id revoked.')).toBeInTheDocument();
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
