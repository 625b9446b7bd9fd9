import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

describe('audit log page', () => {
  it('lists entries newest first and filters by action', async () => {
    const { user, router } = renderApp('/audit');
    expect(await screen.findByText('client.create')).toBeInTheDocument();
    expect(screen.getByText('user.login_failed')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Action'), 'user.login_failed{Enter}');
    await expect.poll(() => screen.queryByText('client.create')).toBeNull();
    expect(screen.getByText('user.login_failed')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?action=user.login_failed');
  });

  it('opens filtered from a link and shows details on request', async () => {
    const { user } = renderApp('/audit?target=billing-id');
    expect(await screen.findByLabelText('Target ID')).toHaveValue('billing-id');
    await user.click(await screen.findByText('Show'));
    expect(screen.getByText(/"name": "Billing"/)).toBeVisible();
  });

  it('shows the API error', async () => {
    server.use(http.get('/admin/api/audit', () => HttpResponse.json({ error: 'invalid_request', error_description: 'The request is not valid: see fields.', fields: { from: 'must be an ISO 8601 date and time' } }, { status: 400 })));
    renderApp('/audit');
    expect(await screen.findByText('Could not load the audit log')).toBeInTheDocument();
    expect(screen.getByText('The request is not valid: see fields.')).toBeInTheDocument();
  });
});
