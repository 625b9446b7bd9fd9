import { useEffect, useRef, useState, type FormEvent } from 'react';
import { TextField } from '../../../components/fields';
import { errorMessage, fieldErrors } from '../../../lib/api/errors';
import type { User } from '../../../lib/contract';
import { useToast } from '../../../lib/toast';
import { useUpdateUser } from '../api/update-user';

/** The user's display name and email, saved together; an empty box clears the field. */
export function EditUserForm({ user, onDone }: { user: User; onDone(): void }) {
  const update = useUpdateUser();
  const toast = useToast();
  const [displayName, setDisplayName] = useState(user.displayName ?? '');
  const [email, setEmail] = useState(user.email ?? '');
  const errors = fieldErrors(update.error);
  const other = update.isError && !errors.displayName && !errors.email ? errorMessage(update.error) : null;
  const form = useRef<HTMLFormElement>(null);

  // A refused save puts focus on the first field the API named.
  useEffect(() => {
    if (update.error) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [update.error]);

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      { id: user.id, body: { displayName: displayName.trim() || null, email: email.trim() || null } },
      {
        onSuccess: () => {
          toast.success(`${user.username} saved.`);
          onDone();
        },
      },
    );
  }

  return (
    <form ref={form} className="form" onSubmit={submit} noValidate aria-label={`Edit ${user.username}`}>
      <TextField label="Name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} error={errors.displayName} autoComplete="off" hint="Shown to people; leave empty for none." />
      <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} autoComplete="off" />
      {other && (
        <p className="field-error" role="alert">
          Could not save: {other}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onDone} disabled={update.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
