import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { db } from '../../../testing/db';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

function figure(label: string) {
  return screen.getByText(label, { selector: '.stat-label' }).closest('.stat')!;
}

describe('dashboard', () => {
  it('shows totals and a chart with a data table for each statistic', async () => {
    renderApp('/');

    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    expect(await screen.findByText('Tokens issued, last 24 hours')).toBeInTheDocument();
    expect(figure('Tokens issued, last 24 hours')).toHaveTextContent('27');
    expect(figure('Active tokens')).toHaveTextContent('7');
    expect(figure('Failed authentications, last 24 hours')).toHaveTextContent('3');
    expect(screen.getByRole('img', { name: '27 tokens issued in the last 24 hours.' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /7 active tokens across 1 clients; most at Billing \(7\)/ })).toBeInTheDocument();

    const perClient = screen.getByRole('table', { name: 'Active tokens per client', hidden: true });
    expect(within(perClient).getByRole('link', { name: 'Billing', hidden: true })).toHaveAttribute('href', '/clients/billing-id');
    expect(screen.getByRole('table', { name: 'Tokens issued per day', hidden: true }).querySelectorAll('tbody tr')).toHaveLength(30);
    expect(screen.getByRole('navigation', { name: 'Main' })).toHaveTextContent('Dashboard');
  });

  it('hides the console\'s own tokens until asked, and remembers the choice in the address', async () => {
    const { user, router } = renderApp('/');
    expect(await screen.findByText('Tokens issued, last 24 hours')).toBeInTheDocument();
    expect(figure('Active tokens')).toHaveTextContent('7');
    const toggle = screen.getByRole('checkbox', { name: 'Show the console\u2019s own activity' });
    expect(toggle).not.toBeChecked();
    await user.click(toggle);
    await expect.poll(() => figure('Active tokens').textContent, { timeout: 4000 }).toContain('9');
    expect(router.state.location.search).toBe('?console=shown');
    expect(within(figure('Active tokens') as HTMLElement).getByRole('link')).toHaveAttribute('href', '/tokens?console=shown');
    expect(screen.getByRole('img', { name: /9 active tokens across 2 clients/ })).toBeInTheDocument();
  });

  it('says so when no client holds an active token', async () => {
    db.statistics = { ...db.statistics, activeTokensByClient: [] };
    renderApp('/');
    expect(await screen.findByText('No active tokens')).toBeInTheDocument();
  });

  it('shows the API error and retries on request', async () => {
    server.use(http.get('/admin/api/statistics', () => HttpResponse.json({ error: 'server_error', error_description: 'The database is not answering.' }, { status: 503 }), { once: true }));
    const { user } = renderApp('/');

    expect(await screen.findByText('Could not load the statistics')).toBeInTheDocument();
    expect(screen.getByText('The database is not answering.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Tokens issued, last 24 hours')).toBeInTheDocument();
  });
});
