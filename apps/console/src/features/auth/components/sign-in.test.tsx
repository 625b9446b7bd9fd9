import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../../lib/auth/user-manager';
import { FakeAuthClient, makeOidcUser } from '../../../testing/fake-auth';
import { TEST_ACCESS_TOKEN } from '../../../testing/handlers/common';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

describe('sign-in', () => {
  it('sends a signed-out visitor to the server with the deep link kept in the OIDC state', async () => {
    const auth = new FakeAuthClient({ user: null });
    renderApp('/clients?status=revoked', { auth });

    expect(await screen.findByText('Taking you to the sign-in page…')).toBeInTheDocument();
    await waitFor(() => expect(auth.signInRequests).toEqual([{ returnTo: '/clients?status=revoked' }]));
  });

  it('completes the callback and opens the deep link the administrator asked for', async () => {
    const auth = new FakeAuthClient({ user: null, callbackResult: makeOidcUser({ state: { returnTo: '/clients?status=revoked' } }) });
    const { router } = renderApp('/callback?code=tg_ac_x&state=s1', { auth });

    expect(await screen.findByRole('heading', { level: 1, name: 'Clients' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/clients');
    expect(router.state.location.search).toBe('?status=revoked');
    expect(await screen.findByRole('link', { name: 'Old App' })).toBeInTheDocument();
    expect(auth.callbacks).toBe(1);
  });

  it('shows the no-access page to a user whose token lacks oauth-admin', async () => {
    const auth = new FakeAuthClient({ user: null, callbackResult: makeOidcUser({ admin: false, state: { returnTo: '/users' } }) });
    const { router } = renderApp('/callback?code=tg_ac_x&state=s1', { auth });

    expect(await screen.findByRole('heading', { level: 1, name: 'No access to the admin console' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/users');
    expect(screen.getByText('erin')).toBeInTheDocument();
    expect(screen.getByText('oauth-admin')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
    expect(document.title).toBe('No access · Tollgate');
  });

  it('explains a denied consent on the callback page and offers to sign in again', async () => {
    const denied = Object.assign(new Error('access_denied'), { error: 'access_denied' });
    const auth = new FakeAuthClient({ user: null, callbackResult: denied });
    const { user } = renderApp('/callback?error=access_denied&state=s1', { auth });

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign-in failed' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('Access was denied on the consent page');
    await user.click(screen.getByRole('button', { name: 'Sign in again' }));
    expect(auth.signInRequests).toEqual([{ returnTo: '/' }]);
  });

  it('signs out through the server with the ID token and the console as the place to return to', async () => {
    const auth = new FakeAuthClient();
    const { user } = renderApp('/', { auth });
    await screen.findByRole('heading', { level: 1, name: 'Dashboard' });

    await user.click(screen.getByRole('button', { name: 'Sign out' }));

    expect(auth.revoked).toEqual(['refresh_token']);
    expect(auth.signOutRequests).toEqual([{ id_token_hint: 'header.payload.signature', post_logout_redirect_uri: `http://localhost${import.meta.env.BASE_URL}` }]);
    expect(await screen.findByRole('heading', { level: 1, name: 'You have signed out' })).toBeInTheDocument();
    expect(auth.signInRequests).toEqual([]);
  });

  it('renews with the refresh token after a 401 and retries the request once', async () => {
    const auth = new FakeAuthClient({ user: makeOidcUser() });
    auth.user = Object.assign(makeOidcUser(), { access_token: 'tg_at_expired' });
    auth.renewResult = makeOidcUser();
    renderApp('/scopes', { auth });

    expect(await screen.findByRole('cell', { name: 'Read your data' })).toBeInTheDocument();
    expect(auth.user?.access_token).toBe(TEST_ACCESS_TOKEN);
  });

  it('sends the administrator to sign in again when renewal fails', async () => {
    const auth = new FakeAuthClient({ user: Object.assign(makeOidcUser(), { access_token: 'tg_at_revoked' }) });
    renderApp('/tokens', { auth });

    await waitFor(() => expect(auth.signInRequests).toEqual([{ returnTo: '/tokens' }]));
  });

  it('keeps only console paths as places to return to', () => {
    expect(safeReturnTo('/clients?x=1')).toBe('/clients?x=1');
    for (const bad of ['//evil.example', 'https://evil.example/', '/\\evil.example', undefined, 42]) expect(safeReturnTo(bad)).toBe('/');
  });

  it('sends the bearer token only in the Authorization header', async () => {
    let seen: { authorization: string | null; url: string } | null = null;
    server.use(http.get('/admin/api/statistics', ({ request }) => {
      seen = { authorization: request.headers.get('authorization'), url: request.url };
      return HttpResponse.json({ error: 'server_error', error_description: 'stop here' }, { status: 500 });
    }));
    renderApp('/');
    await screen.findByText('stop here');
    expect(seen).toEqual({ authorization: `Bearer ${TEST_ACCESS_TOKEN}`, url: 'http://localhost/admin/api/statistics?excludeConsole=true' });
  });
});
