import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { db } from '../../../testing/db';
import { renderApp } from '../../../testing/render';
import { server } from '../../../testing/server';

describe('users', () => {
  it('lists and searches users', async () => {
    const { user } = renderApp('/users');
    expect(await screen.findByRole('link', { name: 'erin' })).toHaveAttribute('href', '/users/user-erin');
    expect(screen.getByText('administrator')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Search'), 'erin@');
    await screen.findByText('erin@example.com');
    await expect.poll(() => screen.queryByRole('link', { name: 'admin' })).toBeNull();
  });

  it('shows the API error when the list fails', async () => {
    server.use(http.get('/admin/api/users', () => HttpResponse.error()));
    renderApp('/users');
    expect(await screen.findByText('Could not load the users')).toBeInTheDocument();
    expect(screen.getByText('The server could not be reached. Check your connection and try again.')).toBeInTheDocument();
  });

  it('creates a user, showing the API field errors first', async () => {
    const { user } = renderApp('/users/new');
    await user.type(await screen.findByLabelText('User name'), 'sam');
    await user.type(screen.getByLabelText(/^Password/), 'short');
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    const password = screen.getByLabelText(/^Password/);
    await vi.waitFor(() => expect(password).toHaveFocus());
    expect(password).toHaveAccessibleDescription('At least 8 characters. Must be at least 8 characters.');
    expect(screen.getByRole('alert', { name: 'One thing to fix before saving:' })).toHaveTextContent('Password: Must be at least 8 characters.');

    await user.type(screen.getByLabelText(/^Password/), '-but-longer');
    await user.click(screen.getByRole('checkbox', { name: 'Administrator' }));
    await user.click(screen.getByRole('button', { name: 'Create user' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'sam' })).toBeInTheDocument();
    expect(screen.getByText('User sam created.')).toBeInTheDocument();
    expect(db.users.at(-1)).toMatchObject({ username: 'sam', admin: true, passwordMustChange: true });
  });

  it('disables a user after a confirmation that says their tokens and sessions end', async () => {
    const { user } = renderApp('/users/user-erin');
    await user.click(await screen.findByRole('button', { name: 'Disable user' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Disable erin?' });
    expect(dialog).toHaveTextContent('all their tokens are revoked and their sessions end');
    await user.click(within(dialog).getByRole('button', { name: 'Disable user' }));

    expect(await screen.findByText('erin disabled: 0 tokens revoked, 1 session ended.')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Enable user' })).toBeInTheDocument();
  });

  it('resets a password to a generated one, shown once', async () => {
    const { user } = renderApp('/users/user-erin');
    await user.click(await screen.findByRole('button', { name: 'Reset password' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Reset password' }));
    expect(await screen.findByRole('textbox', { name: 'New password' })).toHaveValue('generated-Pa55word');
    expect(screen.getByText('Password reset: 2 tokens revoked, 1 session ended.')).toBeInTheDocument();
  });

  it('keeps a chosen password that the API refuses in the dialog, with its message', async () => {
    const { user } = renderApp('/users/user-erin');
    await user.click(await screen.findByRole('button', { name: 'Reset password' }));
    const dialog = screen.getByRole('alertdialog');
    await user.click(within(dialog).getByRole('radio', { name: 'Choose one' }));
    await user.type(within(dialog).getByLabelText('Password'), 'short');
    await user.click(within(dialog).getByRole('button', { name: 'Reset password' }));
    expect(await within(dialog).findByText('must be at least 8 characters')).toBeInTheDocument();
  });

  it('shows a user\'s second factors, requires one, and resets them after a confirmation', async () => {
    const { user } = renderApp('/users/user-erin');
    const card = await screen.findByRole('region', { name: 'Second factors' });
    expect(await within(card).findByText('Set up')).toBeInTheDocument();
    expect(within(card).getByText(/Laptop/)).toBeInTheDocument();
    expect(within(card).getByText('8')).toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Require a second factor' }));
    expect(await screen.findByText('This user must now use a second factor.')).toBeInTheDocument();
    expect(db.users.find((u) => u.id === 'user-erin')!.mfaRequired).toBe(true);
    await user.click(within(card).getByRole('button', { name: 'Reset second factors' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('lost their phone or security key');
    await user.click(within(dialog).getByRole('button', { name: 'Reset second factors' }));
    expect(await screen.findByText('Removed the authenticator app, 1 passkey and 8 recovery codes.')).toBeInTheDocument();
    expect(await within(card).findByText('Recovery codes left')).toBeInTheDocument();
    expect(await within(card).findByRole('button', { name: 'Reset second factors' })).toBeDisabled();
  });

  it('grants administrator rights after a confirmation', async () => {
    const { user } = renderApp('/users/user-erin');
    await user.click(await screen.findByRole('button', { name: 'Make administrator' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Make administrator' }));
    expect(await screen.findByText('erin is now an administrator.')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Remove administrator rights' })).toBeInTheDocument();
  });

  it('shows the conflict when removing the last administrator, who is warned it is their own account', async () => {
    const { user } = renderApp('/users/user-admin');
    await user.click(await screen.findByRole('button', { name: 'Remove administrator rights' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('This is your own account');
    await user.click(within(dialog).getByRole('button', { name: 'Remove rights' }));
    expect(await screen.findByText('Could not remove administrator rights: This is the last active administrator.')).toBeInTheDocument();
  });

  it('edits the name and email, clears one with an empty box, and puts focus on a field the API refused', async () => {
    const { user } = renderApp('/users/user-erin');
    await user.click(await screen.findByRole('button', { name: 'Edit name and email' }));
    const form = screen.getByRole('form', { name: 'Edit erin' });
    const email = within(form).getByLabelText('Email');
    await user.clear(email);
    await user.type(email, 'not-an-address');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await within(form).findByText('Enter an email address, such as ada@example.com')).toBeInTheDocument();
    expect(email).toHaveFocus();
    expect(email).toHaveAttribute('aria-invalid', 'true');

    await user.clear(email);
    const name = within(form).getByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'Erin Example');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('erin saved.')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { level: 1, name: 'Erin Example (erin)' })).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Edit erin' })).not.toBeInTheDocument();
    expect(db.users.find((u) => u.id === 'user-erin')).toMatchObject({ displayName: 'Erin Example', email: null });
  });

  it('deletes a user after a confirmation that says what goes with them, and returns to the list', async () => {
    const { user, router } = renderApp('/users/user-erin');
    await user.click(await screen.findByRole('button', { name: 'Delete user' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete erin?' });
    expect(dialog).toHaveTextContent('their tokens, consents and sessions go with it');
    await user.click(within(dialog).getByRole('button', { name: 'Delete user' }));
    expect(await screen.findByText('erin deleted: 0 tokens revoked, 1 consent withdrawn, 2 sessions ended.')).toBeInTheDocument();
    await expect.poll(() => router.state.location.pathname).toBe('/users');
    expect(db.users.map((u) => u.id)).toEqual(['user-admin']);
  });

  it('does not offer to delete yourself', async () => {
    renderApp('/users/user-admin');
    expect(await screen.findByRole('button', { name: 'Delete user' })).toBeDisabled();
    expect(screen.getByText('You cannot delete yourself: ask another administrator.')).toBeInTheDocument();
  });
});
