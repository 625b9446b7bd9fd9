import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { db } from '../../../testing/db';
import { makeConsent } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';


/** The choices a picker's open list shows, as text. */
function choices(name: string): (string | null)[] {
  const list = screen.queryByRole('listbox', { name });
  return list ? within(list).queryAllByRole('option').map((option) => option.textContent) : [];
}

describe('consents page', () => {
  it('lists consents by user and client name and revokes one after a confirmation', async () => {
    const { user } = renderApp('/consents');
    expect(await screen.findByRole('link', { name: 'Photo Printer' })).toHaveAttribute('href', '/clients/photos-id');
    expect(screen.getByRole('link', { name: 'erin' })).toHaveAttribute('href', '/users/user-erin');
    expect(screen.getByText('openid photos')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Revoke consent of erin to Photo Printer' }));
    const dialog = screen.getByRole('alertdialog', { name: "Revoke erin's consent to Photo Printer?" });
    expect(dialog).toHaveTextContent('tokens at this client are revoked too');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke consent' }));

    expect(await screen.findByText('Consent revoked, with 3 tokens.')).toBeInTheDocument();
    expect(await screen.findByText('No consents')).toBeInTheDocument();
  });

  it('filters by a user picked by name', async () => {
    db.consents.push(makeConsent({ id: 'consent-2', userId: 'user-admin', username: 'admin', clientId: 'billing-id', clientName: 'Billing' }));
    const { user, router } = renderApp('/consents');
    await screen.findByRole('link', { name: 'Photo Printer' });
    await user.type(screen.getByRole('combobox', { name: 'User' }), 'Administ');
    await expect.poll(() => choices('User'), { timeout: 4000 }).toEqual(['Administrator (admin)']);
    await user.click(screen.getByRole('option', { name: /Administrator \(admin\)/ }));
    expect(router.state.location.search).toBe('?userId=user-admin');
    await expect.poll(() => screen.queryByRole('link', { name: 'Photo Printer' }), { timeout: 4000 }).toBeNull();
    expect(screen.getByRole('link', { name: 'Billing' })).toBeInTheDocument();
  });

  it('offers more results page by page', async () => {
    for (let i = 0; i < 12; i++) db.users.push({ ...db.users[1]!, id: `user-extra-${i}`, username: `extra${String(i).padStart(2, '0')}`, displayName: null, email: null });
    const { user } = renderApp('/consents');
    await user.type(await screen.findByRole('combobox', { name: 'User' }), 'extra');
    const extras = Array.from({ length: 12 }, (_, i) => `extra${String(i).padStart(2, '0')}`);
    await expect.poll(() => choices('User'), { timeout: 4000 }).toEqual([...extras.slice(0, 10), 'More results']);
    await user.click(screen.getByRole('option', { name: 'More results' }));
    await expect.poll(() => choices('User'), { timeout: 4000 }).toEqual(extras);
  });

  it('shows the API error when the list fails', async () => {
    server.use(http.get('/admin/api/consents', () => HttpResponse.json({ error: 'server_error', error_description: 'Something failed on the server (request id abc).' }, { status: 500 })));
    renderApp('/consents');
    expect(await screen.findByText('Something failed on the server (request id abc).')).toBeInTheDocument();
  });
});
