import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { db } from '../../../testing/db';
import { renderApp } from '../../../testing/render';
import { age } from './keys-page';

describe('signing keys page', () => {
  it('lists the keys with their algorithm, state and age, and rotates them after a confirmation', async () => {
    const { user } = renderApp('/keys');
    expect(await screen.findByRole('heading', { level: 1, name: 'Signing keys' })).toBeInTheDocument();
    const rows = () => screen.getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell').slice(0, 3).map((cell) => cell.textContent));
    expect(await screen.findByText('es-key-1')).toBeInTheDocument();
    expect(rows()).toEqual([
      ['es-key-1', 'ES256', 'signing'],
      ['rs-key-1', 'RS256', 'signing'],
      ['es-key-0', 'ES256', expect.stringMatching(/^retired published until /)],
    ]);

    await user.click(screen.getByRole('button', { name: 'Rotate keys' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Rotate the signing keys?' });
    expect(dialog).toHaveTextContent('stay published until the ID tokens they signed have expired');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Rotate keys' }));
    expect(await screen.findByText('New signing keys made; 2 retired.')).toBeInTheDocument();
    expect(await screen.findByText(/^es256-rotated-/)).toBeInTheDocument();
    expect(db.keys.filter((key) => key.status === 'active').map((key) => key.kid)).toEqual([expect.stringMatching(/^es256-rotated-/), expect.stringMatching(/^rs256-rotated-/)]);
  });

  it('says a key\'s age in its largest whole unit', () => {
    const now = Date.parse('2025-06-10T12:00:00Z');
    expect(age('2025-06-01T12:00:00Z', now)).toBe('9 days');
    expect(age('2025-06-10T11:00:00Z', now)).toBe('1 hour');
    expect(age('2025-06-10T11:59:30Z', now)).toBe('under a minute');
  });
});
