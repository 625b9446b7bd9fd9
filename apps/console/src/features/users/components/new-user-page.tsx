import { useId, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ErrorSummary, type ErrorSummaryItem } from '../../../components/error-summary';
import { CheckboxField, TextField } from '../../../components/fields';
import { PageHeader } from '../../../components/states';
import { errorMessage, fieldErrors, sentence } from '../../../lib/api/errors';
import { toUser, toUsers } from '../../../lib/links';
import { useToast } from '../../../lib/toast';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { useCreateUser } from '../api/create-user';

const FIELDS: [string, string][] = [
  ['username', 'User name'], ['password', 'Password'], ['displayName', 'Display name'], ['email', 'Email'], ['admin', 'Administrator'],
  ['passwordMustChange', 'Must choose a new password'],
];

/** Creates a user with a password they must change at first sign-in (unless unticked). */
export function NewUserPage() {
  const create = useCreateUser();
  const toast = useToast();
  const navigate = useNavigate();
  const [values, setValues] = useState({ username: '', password: '', displayName: '', email: '', admin: false, passwordMustChange: true });
  const errors = Object.fromEntries(Object.entries(fieldErrors(create.error)).map(([field, message]) => [field, sentence(message)]));
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, create.error);
  const baseId = useId();
  const fieldId = (name: string) => `${baseId}-${name}`;
  const summary: ErrorSummaryItem[] = FIELDS.filter(([field]) => errors[field]).map(([field, label]) => ({ key: field, label, text: errors[field]!, target: fieldId(field) }));
  if (create.error && summary.length === 0) summary.push({ key: '_', label: '', text: sentence(errorMessage(create.error)), target: null });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { ...values, displayName: values.displayName.trim() || null, email: values.email.trim() || null },
      {
        onSuccess: (user) => {
          toast.success(`User ${user.username} created.`);
          void navigate(toUser({ id: user.id }));
        },
      },
    );
  }

  return (
    <>
      <PageHeader title="New user" />
      <form className="form" onSubmit={submit} noValidate ref={form}>
        <TextField id={fieldId('username')} label="User name" required autoComplete="off" value={values.username} onChange={(e) => setValues({ ...values, username: e.target.value })} error={errors.username} />
        <TextField
          id={fieldId('password')}
          label="Password"
          type="password"
          required
          autoComplete="new-password"
          hint="At least 8 characters."
          value={values.password}
          onChange={(e) => setValues({ ...values, password: e.target.value })}
          error={errors.password}
        />
        <TextField id={fieldId('displayName')} label="Display name" value={values.displayName} onChange={(e) => setValues({ ...values, displayName: e.target.value })} error={errors.displayName} />
        <TextField id={fieldId('email')} label="Email" type="email" value={values.email} onChange={(e) => setValues({ ...values, email: e.target.value })} error={errors.email} />
        <CheckboxField
          label="Must choose a new password at first sign-in"
          checked={values.passwordMustChange}
          onChange={(e) => setValues({ ...values, passwordMustChange: e.target.checked })}
        />
        <CheckboxField
          label="Administrator"
          hint="Administrators can sign in to this console and change everything in it."
          checked={values.admin}
          onChange={(e) => setValues({ ...values, admin: e.target.checked })}
        />
        <ErrorSummary items={summary} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create user'}
          </button>
          <Link className="button" to={toUsers()}>
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
