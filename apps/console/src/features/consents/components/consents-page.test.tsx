import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

describe('consents page', () => {
  it('lists consents and revokes one after a confirmation', async () => {
    const { user } = renderApp('/consents');
    expect(await screen.findByRole('link', { name: 'photos-id' })).toHaveAttribute('href', '/clients/photos-id');
    expect(screen.getByText('openid photos')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Revoke consent of user-erin to photos-id' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke this consent?' });
    expect(dialog).toHaveTextContent('tokens at this client are revoked too');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke consent' }));

    expect(await screen.findByText('Consent revoked, with 3 tokens.')).toBeInTheDocument();
    expect(await screen.findByText('No consents')).toBeInTheDocument();
  });

  it('filters by user', async () => {
    const { user } = renderApp('/consents');
    await screen.findByRole('link', { name: 'photos-id' });
    await user.type(screen.getByLabelText('User ID'), 'someone-else{Enter}');
    expect(await screen.findByText('No live consent matches these filters.')).toBeInTheDocument();
  });

  it('shows the API error when the list fails', async () => {
    server.use(http.get('/admin/api/consents', () => HttpResponse.json({ error: 'server_error', error_description: 'Something failed on the server (request id abc).' }, { status: 500 })));
    renderApp('/consents');
    expect(await screen.findByText('Something failed on the server (request id abc).')).toBeInTheDocument();
  });
});
