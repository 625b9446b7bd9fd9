import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { db } from '../../../testing/db';
import { makeSession } from '../../../testing/fixtures';
import { renderApp } from '../../../testing/render';

describe('sessions', () => {
  it('lists every session with its user, device and applications, and ends one after confirming', async () => {
    db.sessions.push(makeSession({ id: 'sess-admin', userId: 'user-admin', username: 'admin', userAgent: null, clients: [], lastUsedAt: null }));
    const { user } = renderApp('/sessions');
    // The page's code loads lazily, and the first load in a run can take a while on a busy machine.
    await screen.findByRole('table', { name: 'Live sessions' }, { timeout: 5000 });
    const row = screen.getByRole('link', { name: 'erin' }).closest('tr')!;
    expect(within(row).getByText('Firefox on Linux')).toBeInTheDocument();
    expect(within(row).getByText('192.0.2.10')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: 'Billing' })).toHaveAttribute('href', '/clients/billing-id');
    expect(within(screen.getByRole('link', { name: 'admin' }).closest('tr')!).getByText('Unknown device')).toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: /^End session/ }));
    const dialog = await screen.findByRole('alertdialog', { name: 'End this session?' });
    await user.click(within(dialog).getByRole('button', { name: 'End session' }));
    expect(await screen.findByText('Session ended; 1 application will be told.')).toBeInTheDocument();
    expect(db.sessions.map((s) => s.id)).toEqual(['sess-admin']);
    expect(await screen.findByRole('link', { name: 'admin' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'erin' })).not.toBeInTheDocument();
  });

  it("shows a user's own sessions on their page and ends all of them", async () => {
    db.sessions.push(makeSession({ id: 'sess-2', clients: [] }), makeSession({ id: 'sess-admin', userId: 'user-admin', username: 'admin' }));
    const { user } = renderApp('/users/user-erin');
    const section = (await screen.findByRole('heading', { name: 'Sessions' })).closest('section')!;
    expect(await within(section).findAllByText('Firefox on Linux')).toHaveLength(2);
    await user.click(within(section).getByRole('button', { name: 'End all sessions' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'End every session of erin?' });
    await user.click(within(dialog).getByRole('button', { name: 'End all sessions' }));
    expect(await within(section).findByText('erin is not signed in anywhere.')).toBeInTheDocument();
    expect(db.sessions.map((s) => s.id)).toEqual(['sess-admin']);
  });
});
