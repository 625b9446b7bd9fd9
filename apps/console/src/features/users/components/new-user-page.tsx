import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { CheckboxField, FormError, TextField } from '../../../components/fields';
import { PageHeader } from '../../../components/states';
import { errorMessage, fieldErrors } from '../../../lib/api/errors';
import { toUser, toUsers } from '../../../lib/links';
import { useToast } from '../../../lib/toast';
import { useCreateUser } from '../api/create-user';

const FIELDS = ['username', 'password', 'displayName', 'email', 'admin', 'passwordMustChange'];

/** Creates a user with a password they must change at first sign-in (unless unticked). */
export function NewUserPage() {
  const create = useCreateUser();
  const toast = useToast();
  const navigate = useNavigate();
  const [values, setValues] = useState({ username: '', password: '', displayName: '', email: '', admin: false, passwordMustChange: true });
  const errors = fieldErrors(create.error);
  const formMessage = create.error && !FIELDS.some((field) => errors[field]) ? errorMessage(create.error) : null;

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
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={formMessage} />
        <TextField label="User name" required autoComplete="off" value={values.username} onChange={(e) => setValues({ ...values, username: e.target.value })} error={errors.username} />
        <TextField
          label="Password"
          type="password"
          required
          autoComplete="new-password"
          hint="At least 8 characters."
          value={values.password}
          onChange={(e) => setValues({ ...values, password: e.target.value })}
          error={errors.password}
        />
        <TextField label="Display name" value={values.displayName} onChange={(e) => setValues({ ...values, displayName: e.target.value })} error={errors.displayName} />
        <TextField label="Email" type="email" value={values.email} onChange={(e) => setValues({ ...values, email: e.target.value })} error={errors.email} />
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
