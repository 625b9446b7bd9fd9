import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeAuthClient } from '../../testing/fake-auth';
import { renderApp } from '../../testing/render';

describe('not-found route', () => {
  it('answers unknown paths inside the app shell with a way back to the dashboard', async () => {
    renderApp('/no/such/page');

    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('banner')).toHaveTextContent('Tollgate');
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Go to the dashboard' })).toHaveAttribute('href', '/');
  });

  it('offers the public status page to someone not signed in', async () => {
    renderApp('/no/such/page', { auth: new FakeAuthClient({ user: null }) });

    expect(await screen.findByRole('link', { name: 'Go to server status' })).toHaveAttribute('href', '/status');
  });
});
