import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { healthUnavailable, healthHandlers } from '../../../testing/handlers/health';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

function detail(term: string) {
  return screen.getByText(term).nextElementSibling;
}

describe('server status page', () => {
  it('shows a healthy server', async () => {
    renderApp('/status');

    expect(await screen.findByRole('heading', { level: 1, name: 'Server status' })).toBeInTheDocument();
    expect(await screen.findByText('All systems operational')).toHaveAttribute('role', 'status');
    expect(detail('Database')).toHaveTextContent('ok');
    expect(detail('Version')).toHaveTextContent('0.1.0');
    expect(screen.getByRole('link', { name: 'Server status' })).toHaveAttribute('aria-current', 'page');
    expect(document.title).toBe('Server status · Tollgate');
  });

  it('shows an unavailable server when /healthz answers 503', async () => {
    server.use(healthUnavailable);
    renderApp('/status');

    expect(await screen.findByText('Server unavailable')).toBeInTheDocument();
    expect(screen.getByText('The server is running but cannot reach its database.')).toBeInTheDocument();
    expect(detail('Database')).toHaveTextContent('unreachable');
  });

  it('shows an error when the server cannot be reached', async () => {
    server.use(http.get('/healthz', () => HttpResponse.error()));
    renderApp('/status');

    expect(await screen.findByText('Could not check server health')).toBeInTheDocument();
    expect(screen.getByText('The server could not be reached.')).toBeInTheDocument();
  });

  it('checks again on request', async () => {
    server.use(healthUnavailable);
    const { user } = renderApp('/status');
    await screen.findByText('Server unavailable');

    server.use(...healthHandlers);
    await user.click(screen.getByRole('button', { name: 'Check again' }));

    expect(await screen.findByText('All systems operational')).toBeInTheDocument();
  });
});
