import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../../testing/db';
import { makeAuditEntry } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';


/** The choices a picker's open list shows, as text. */
function choices(name: string): (string | null)[] {
  const list = screen.queryByRole('listbox', { name });
  return list ? within(list).queryAllByRole('option').map((option) => option.textContent) : [];
}

describe('audit log page', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('lists entries newest first with names, hides the console\'s own until asked, and filters by a known action', async () => {
    const { user, router } = renderApp('/audit');
    expect(await screen.findByText('client.create')).toBeInTheDocument();
    const row = screen.getByText('client.create').closest('tr')!;
    expect(within(row).getByRole('link', { name: 'admin' })).toHaveAttribute('href', '/users/user-admin');
    expect(within(row).getByRole('link', { name: 'Billing' })).toHaveAttribute('href', '/clients/billing-id');
    expect(screen.getByText('user.login_failed')).toBeInTheDocument();
    expect(screen.queryByText('token.issue')).not.toBeInTheDocument();

    await user.click(screen.getByRole('checkbox', { name: 'Show the console\u2019s own activity' }));
    expect(await screen.findByText('token.issue')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?console=shown');

    const action = screen.getByRole('combobox', { name: 'Action' });
    expect(within(action).getByRole('option', { name: 'user.login_failed: A sign-in failed' })).toBeInTheDocument();
    await user.selectOptions(action, 'user.login_failed');
    await expect.poll(() => screen.queryByText('client.create'), { timeout: 4000 }).toBeNull();
    expect(router.state.location.search).toBe('?console=shown&action=user.login_failed');
  });

  it('filters by an actor picked by name among users and clients', async () => {
    const { user, router } = renderApp('/audit?console=shown');
    await screen.findByText('token.issue');
    await user.type(screen.getByRole('combobox', { name: 'Actor' }), 'console');
    await expect.poll(() => choices('Actor'), { timeout: 4000 }).toEqual(['Tollgate console · clienttollgate-console']);
    await user.click(screen.getByRole('option', { name: /Tollgate console/ }));
    expect(router.state.location.search).toBe('?console=shown&actor=tollgate-console');
    await expect.poll(() => screen.queryByText('client.create'), { timeout: 4000 }).toBeNull();
    expect(screen.getByText('token.issue')).toBeInTheDocument();
  });

  it('takes a typed id as the target when nothing matches', async () => {
    const { user, router } = renderApp('/audit');
    await screen.findByText('client.create');
    await user.type(screen.getByRole('combobox', { name: 'Target' }), 'erin');
    await screen.findByRole('option', { name: /Erin End-User/ });
    await user.clear(screen.getByRole('combobox', { name: 'Target' }));
    await user.type(screen.getByRole('combobox', { name: 'Target' }), 'no-such-thing');
    await screen.findByText('No match: press Enter to use it as an id');
    await user.keyboard('{Enter}');
    expect(router.state.location.search).toBe('?target=no-such-thing');
    expect(await screen.findByText('No entry matches these filters.')).toBeInTheDocument();
  });

  it('opens an entry in a labelled drawer with its changes as before and after; Escape closes it and focus returns', async () => {
    db.audit.unshift(makeAuditEntry({
      id: 'audit-0', at: '2025-06-01T10:00:00.000Z', action: 'user.update', targetType: 'user', targetId: 'user-erin', targetName: 'erin',
      details: { username: 'erin', changes: { displayName: { before: null, after: 'Erin E.' }, email: { before: 'erin@example.com', after: 'erin@work.example' } } },
    }));
    const { user } = renderApp('/audit');
    const open = await screen.findByRole('button', { name: /^Details of user\.update at / });
    await user.click(open);
    const drawer = screen.getByRole('dialog', { name: 'A user\u2019s name or email was changed'.replace('\u2019', "'") });
    expect(drawer).toHaveAttribute('aria-modal', 'true');
    expect(within(drawer).getByRole('button', { name: 'Close' })).toHaveFocus();
    expect(within(drawer).getByRole('link', { name: 'erin' })).toHaveAttribute('href', '/users/user-erin');
    const changes = within(drawer).getByRole('table', { name: 'Changes, before and after' });
    const email = within(changes).getByRole('row', { name: /email/ });
    expect(within(email).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['erin@example.com', 'erin@work.example']);
    expect(within(within(changes).getByRole('row', { name: /displayName/ })).getAllByRole('cell')[0]).toHaveTextContent('none');
    expect(within(drawer).getByText('127.0.0.1')).toBeInTheDocument();

    await user.tab();
    await user.tab();
    await user.tab();
    await user.tab();
    await user.tab();
    expect(drawer.contains(document.activeElement)).toBe(true);

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(open).toHaveFocus();
  });

  it('exports the filtered log as CSV and as JSON with the same filters', async () => {
    const requests: string[] = [];
    server.events.on('request:start', ({ request }) => {
      if (request.url.includes('/audit/export')) requests.push(new URL(request.url).search);
    });
    const createObjectURL = vi.fn(() => 'blob:test');
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const { user } = renderApp('/audit?action=client.create');
    await screen.findByText('client.create');
    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText('Saved tollgate-audit-test.csv.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Export JSON' }));
    expect(await screen.findByText('Saved tollgate-audit-test.json.')).toBeInTheDocument();
    expect(requests).toEqual(['?action=client.create&excludeConsole=true&format=csv', '?action=client.create&excludeConsole=true&format=json']);
    expect(click).toHaveBeenCalledTimes(2);
    server.events.removeAllListeners();
  });

  it('says so when an export fails', async () => {
    server.use(http.get('/admin/api/audit/export', () => HttpResponse.json({ error: 'invalid_request', error_description: 'from: must be an ISO 8601 date and time' }, { status: 400 })));
    const { user } = renderApp('/audit');
    await screen.findByText('client.create');
    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText('Could not export the audit log: from: must be an ISO 8601 date and time')).toBeInTheDocument();
  });

  it('shows the API error', async () => {
    server.use(http.get('/admin/api/audit', () => HttpResponse.json({ error: 'invalid_request', error_description: 'The request is not valid: see fields.', fields: { from: 'must be an ISO 8601 date and time' } }, { status: 400 })));
    renderApp('/audit');
    expect(await screen.findByText('Could not load the audit log')).toBeInTheDocument();
    expect(screen.getByText('The request is not valid: see fields.')).toBeInTheDocument();
  });
});
