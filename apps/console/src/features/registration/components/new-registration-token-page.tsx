import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { CopyBlock } from '../../../components/copy-block';
import { FormError, TextField } from '../../../components/fields';
import { SecretBox } from '../../../components/secret-box';
import { ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { errorMessage, fieldErrors } from '../../../lib/api/errors';
import { useScopes } from '../../../lib/api/list-scopes';
import type { CreateRegistrationTokenRequest, RegistrationTokenWithValue } from '../../../lib/contract';
import { parseDuration } from '../../../lib/format';
import { SELF_REGISTRABLE_GRANT_TYPE_OPTIONS, type GrantType } from '../../../lib/grant-types';
import { toRegistration } from '../../../lib/links';
import { useToast } from '../../../lib/toast';
import { useCreateRegistrationToken } from '../api/create-registration-token';
import { useRegistrationPolicy } from '../api/get-registration-policy';
import { LimitPicker } from './limit-picker';
import { registerExample } from './register-example';
import { TokenDetails } from './token-facts';

/** The form as typed. A new token lives a week and registers one client unless the administrator says otherwise. */
interface Values {
  description: string;
  expiresIn: string;
  maxUses: string;
  grantTypes: Exclude<GrantType, 'password'>[] | null;
  scopes: string[] | null;
}

const initial: Values = { description: '', expiresIn: '7d', maxUses: '1', grantTypes: null, scopes: null };
const FIELDS = ['description', 'expiresIn', 'maxUses', 'grantTypes', 'scopes'];
const PICK_ONE = 'tick at least one, or allow any';

/** The request for the form's values, or the fields the console can already tell are wrong. */
function toRequest(values: Values): { body: CreateRegistrationTokenRequest } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const expiresIn = parseDuration(values.expiresIn);
  if (Number.isNaN(expiresIn)) errors.expiresIn = 'must be a duration such as 3600, 15m, 1h or 30d';
  const uses = values.maxUses.trim();
  if (uses !== '' && !/^\d+$/.test(uses)) errors.maxUses = 'must be a whole number';
  if (values.grantTypes?.length === 0) errors.grantTypes = PICK_ONE;
  if (values.scopes?.length === 0) errors.scopes = PICK_ONE;
  if (Object.keys(errors).length > 0) return { errors };
  return {
    body: {
      description: values.description.trim() === '' ? null : values.description.trim(),
      ...(expiresIn !== null && { expiresIn }),
      maxUses: uses === '' ? null : Number(uses),
      grantTypes: values.grantTypes,
      scopes: values.scopes,
    },
  };
}

function Created({ created, onAnother }: { created: RegistrationTokenWithValue; onAnother(): void }) {
  const policy = useRegistrationPolicy();
  const { registrationToken, token } = created;
  return (
    <>
      <PageHeader title="Registration token created" />
      <SecretBox label="Registration token" value={token} />
      <section className="card" aria-labelledby="created-token">
        <h2 id="created-token">What it allows</h2>
        <TokenDetails token={registrationToken} />
      </section>
      <section className="card" aria-labelledby="use-token">
        <h2 id="use-token">Register a client with it</h2>
        {policy.isPending ? (
          <Loading label="Loading the registration policy…" />
        ) : policy.isError ? (
          <ErrorMessage error={policy.error} title="Could not load the registration policy" onRetry={() => void policy.refetch()} />
        ) : policy.data.registrationEndpoint === null ? (
          <div className="callout callout-warning">
            <p>
              Registration is off on this server: no client can register with this token until it runs with <code>REGISTRATION=token</code> or{' '}
              <code>open</code>.
            </p>
          </div>
        ) : (
          <>
            <p>A client sends its metadata (RFC 7591) with the token as a bearer token:</p>
            <CopyBlock label="Example request" text={registerExample(policy.data.registrationEndpoint, token, registrationToken)} />
            <p className="hint">
              The answer holds the new <code>client_id</code> (and a <code>client_secret</code> for a confidential client), and a{' '}
              <code>registration_access_token</code> with which the client reads, changes or deletes its registration.
            </p>
          </>
        )}
      </section>
      <p className="form-actions">
        <Link className="button primary" to={toRegistration()}>
          Back to registration
        </Link>
        <button type="button" onClick={onAnother}>
          Create another
        </button>
      </p>
    </>
  );
}

/** Creates a registration token, then shows its value this once with an example of its use. */
export function NewRegistrationTokenPage() {
  const create = useCreateRegistrationToken();
  const scopes = useScopes();
  const toast = useToast();
  const [values, setValues] = useState(initial);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<RegistrationTokenWithValue | null>(null);
  const serverErrors = fieldErrors(create.error);
  const errors = { ...serverErrors, ...localErrors };
  const formMessage = create.error && !FIELDS.some((field) => serverErrors[field]) ? errorMessage(create.error) : null;
  const set = <K extends keyof Values>(key: K) => (value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));

  if (created) {
    return (
      <Created
        created={created}
        onAnother={() => {
          setCreated(null);
          setValues(initial);
          create.reset();
        }}
      />
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = toRequest(values);
    if ('errors' in result) {
      setLocalErrors(result.errors);
      return;
    }
    setLocalErrors({});
    create.mutate(result.body, {
      onSuccess: (answer) => {
        setCreated(answer);
        toast.success('Registration token created. Copy it now.');
      },
    });
  }

  // oauth-admin is never given to a registered client, so it is not offered.
  const scopeOptions = (scopes.data?.items ?? [])
    .filter((scope) => scope.name !== 'oauth-admin')
    .map((scope) => ({
      value: scope.name,
      label: (
        <>
          <code>{scope.name}</code> <span className="muted">{scope.description}</span>
        </>
      ),
    }));

  return (
    <>
      <p className="breadcrumb">
        <Link to={toRegistration()}>Registration</Link>
      </p>
      <PageHeader title="New registration token" description="A token with which clients register themselves, within the limits set here." />
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={formMessage} />
        <TextField
          label="Description"
          hint="Whom or what it is for, so that tokens can be told apart."
          value={values.description}
          onChange={(e) => set('description')(e.target.value)}
          error={errors.description}
          autoComplete="off"
        />
        <div className="field-row">
          <TextField
            label="Expires in"
            hint="3600, 15m, 1h, 30d; at most a year. Blank: never."
            value={values.expiresIn}
            onChange={(e) => set('expiresIn')(e.target.value)}
            error={errors.expiresIn ?? errors.expiresAt}
          />
          <TextField
            label="Maximum uses"
            hint="How many clients it may register. Blank: any number."
            inputMode="numeric"
            value={values.maxUses}
            onChange={(e) => set('maxUses')(e.target.value)}
            error={errors.maxUses}
          />
        </div>
        <LimitPicker
          legend="Grant types"
          anyLabel="Any grant type"
          hint="What a client registered with it may use."
          options={SELF_REGISTRABLE_GRANT_TYPE_OPTIONS}
          value={values.grantTypes}
          onChange={set('grantTypes')}
          error={errors.grantTypes}
        />
        <LimitPicker
          legend="Scopes"
          anyLabel="Any scope but oauth-admin, including scopes created later"
          hint={scopes.isError ? `The scope list could not be loaded: ${errorMessage(scopes.error)}` : 'What a client registered with it may ask for.'}
          options={scopeOptions}
          value={values.scopes}
          onChange={set('scopes')}
          error={errors.scopes}
        />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create token'}
          </button>
          <Link className="button" to={toRegistration()}>
            Cancel
          </Link>
        </div>
      </form>
    </>
  );
}
