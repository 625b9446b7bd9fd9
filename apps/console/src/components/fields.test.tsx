import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { CheckboxRow } from './fields';

describe('CheckboxRow', () => {
  it('ties its description and error to the checkbox, marks it invalid only with an error, and reports changes', async () => {
    const onChange = vi.fn();
    const { rerender } = render(<CheckboxRow id="dpop" label="Require DPoP" hint="Every token request must carry a proof." checked={false} onChange={onChange} />);
    const box = screen.getByRole('checkbox', { name: 'Require DPoP' });
    expect(box).toHaveAccessibleDescription('Every token request must carry a proof.');
    expect(box).not.toHaveAttribute('aria-invalid');
    await userEvent.click(box);
    expect(onChange).toHaveBeenCalledOnce();

    rerender(<CheckboxRow id="dpop" label="Require DPoP" hint="Every token request must carry a proof." error="A public client cannot." checked={false} onChange={onChange} />);
    expect(box).toHaveAttribute('aria-invalid', 'true');
    expect(box).toHaveAccessibleDescription('Every token request must carry a proof. A public client cannot.');
    expect(box).toHaveAttribute('id', 'dpop');

    rerender(<CheckboxRow label="Resource server" checked onChange={onChange} />);
    expect(screen.getByRole('checkbox', { name: 'Resource server' })).not.toHaveAttribute('aria-describedby');
  });
});
