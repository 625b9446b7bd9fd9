import { useState, type FormEvent, type ReactNode } from 'react';
import { CheckboxField, CheckboxGroup, FormError, SelectField, TextField } from '../../../components/fields';
import { errorMessage, fieldErrors } from '../../../lib/api/errors';
import { useScopes } from '../../../lib/api/list-scopes';
import type { CreateResourceRequest, Resource } from '../../../lib/contract';
import { formatDuration, parseDuration } from '../../../lib/format';

type TokenFormat = Resource['tokenFormat'];
type SigningAlg = Resource['signingAlg'];

/** What the form edits, as typed: the lifetime as a duration. */
export interface ResourceFormValues {
  identifier: string;
  name: string;
  scopes: string[];
  tokenFormat: TokenFormat;
  accessTokenTtl: string;
  signingAlg: SigningAlg;
  isDefault: boolean;
}

/** A new API's defaults: opaque tokens, the server's lifetime, ES256. */
export const emptyResourceForm: ResourceFormValues = {
  identifier: '', name: '', scopes: [], tokenFormat: 'opaque', accessTokenTtl: '', signingAlg: 'ES256', isDefault: false,
};

export type ResourceFormBody = Required<CreateResourceRequest>;

/** An API as form values. */
export function resourceToForm(resource: Resource): ResourceFormValues {
  return {
    identifier: resource.identifier,
    name: resource.name,
    scopes: [...resource.scopes],
    tokenFormat: resource.tokenFormat,
    accessTokenTtl: resource.accessTokenTtl === null ? '' : formatDuration(resource.accessTokenTtl),
    signingAlg: resource.signingAlg,
    isDefault: resource.isDefault,
  };
}

/** The request body for the form's values, or the fields the console can already tell are wrong. */
export function resourceFormToRequest(values: ResourceFormValues): { body: ResourceFormBody } | { errors: Record<string, string> } {
  const accessTokenTtl = parseDuration(values.accessTokenTtl);
  if (Number.isNaN(accessTokenTtl)) return { errors: { accessTokenTtl: 'must be a duration such as 300, 5m, 1h or 1d' } };
  return {
    body: {
      identifier: values.identifier.trim(),
      name: values.name.trim(),
      scopes: values.scopes,
      tokenFormat: values.tokenFormat,
      accessTokenTtl,
      signingAlg: values.signingAlg,
      isDefault: values.isDefault,
    },
  };
}

/** Scope names as typed in "Add scopes": split on spaces and commas. */
const namesIn = (text: string) => text.split(/[\s,]+/).filter((name) => name !== '');

/** Props of {@link ResourceForm}. */
export interface ResourceFormProps {
  initial: ResourceFormValues;
  submitLabel: string;
  pending: boolean;
  /** The last failed submission, whose field messages show under their inputs. */
  error: unknown;
  onSubmit(body: ResourceFormBody): void;
  children?: ReactNode;
}

/** An API's settings: identifier, name, the scopes it accepts, token format, lifetime, signing algorithm, default. */
export function ResourceForm({ initial, submitLabel, pending, error, onSubmit, children }: ResourceFormProps) {
  const [values, setValues] = useState(initial);
  const [newScopes, setNewScopes] = useState('');
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const scopes = useScopes();
  const serverErrors = fieldErrors(error);
  const errors = { ...serverErrors, ...localErrors };
  const set = <K extends keyof ResourceFormValues>(key: K) => (value: ResourceFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const known = Object.keys(serverErrors).filter((key) => key in initial);
  const formMessage = error && known.length === 0 ? errorMessage(error) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    const pendingNames = namesIn(newScopes);
    const result = resourceFormToRequest({ ...values, scopes: [...new Set([...values.scopes, ...pendingNames])] });
    if ('errors' in result) {
      setLocalErrors(result.errors);
      return;
    }
    setLocalErrors({});
    onSubmit(result.body);
  }

  function addScopes() {
    const names = namesIn(newScopes);
    if (names.length === 0) return;
    setValues((v) => ({ ...v, scopes: [...new Set([...v.scopes, ...names])] }));
    setNewScopes('');
  }

  // Built-in scopes are OpenID Connect's, which go with any API, and oauth-admin, which no API may accept.
  const existing = (scopes.data?.items ?? []).filter((scope) => !scope.builtIn || values.scopes.includes(scope.name));
  const scopeOptions = existing.map((scope) => ({
    value: scope.name,
    label: (
      <>
        <code>{scope.name}</code> <span className="muted">{scope.description}</span>
      </>
    ),
  }));
  for (const name of values.scopes) {
    if (!existing.some((scope) => scope.name === name)) {
      scopeOptions.push({ value: name, label: (<><code>{name}</code> <span className="muted">new: created when you save</span></>) });
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError message={formMessage} />
      <TextField label="Name" required value={values.name} onChange={(e) => set('name')(e.target.value)} error={errors.name} autoComplete="off" hint="Shown to users on the consent page." />
      <TextField
        label="Identifier"
        required
        type="url"
        inputMode="url"
        spellCheck={false}
        autoComplete="off"
        placeholder="https://api.example.com"
        value={values.identifier}
        onChange={(e) => set('identifier')(e.target.value)}
        error={errors.identifier}
        hint="The URI clients send as resource and its tokens carry as aud: https, or http for localhost only; no fragment."
      />
      <CheckboxGroup
        legend="Scopes it accepts"
        hint={scopes.isError ? `The scope list could not be loaded: ${errorMessage(scopes.error)}` : 'Scopes are shared: several APIs may accept the same one. OpenID Connect\'s (openid, profile, email, offline_access) go with any API.'}
        options={scopeOptions}
        value={values.scopes}
        onChange={set('scopes')}
        error={errors.scopes}
      />
      <div className="add-scopes">
        <TextField
          label="Add scopes"
          hint="New scope names, separated by spaces, such as invoices:read invoices:write."
          value={newScopes}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setNewScopes(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              addScopes();
            }
          }}
        />
        <button type="button" onClick={addScopes} disabled={namesIn(newScopes).length === 0}>
          Add
        </button>
      </div>
      <div className="field-row">
        <SelectField
          label="Access token format"
          value={values.tokenFormat}
          onChange={(e) => set('tokenFormat')(e.target.value as TokenFormat)}
          error={errors.tokenFormat}
          hint={values.tokenFormat === 'jwt'
            ? 'The API checks tokens itself, and sees a revocation only when the token expires: keep lifetimes short.'
            : 'The API checks each token by introspection.'}
        >
          <option value="opaque">Opaque (introspection)</option>
          <option value="jwt">JWT (RFC 9068)</option>
        </SelectField>
        <TextField
          label="Access token lifetime"
          hint="Blank for the server default; 300, 5m, 1h."
          value={values.accessTokenTtl}
          onChange={(e) => set('accessTokenTtl')(e.target.value)}
          error={errors.accessTokenTtl}
        />
      </div>
      {values.tokenFormat === 'jwt' && (
        <SelectField label="JWT signing algorithm" value={values.signingAlg} onChange={(e) => set('signingAlg')(e.target.value as SigningAlg)} error={errors.signingAlg}>
          <option value="ES256">ES256</option>
          <option value="RS256">RS256</option>
        </SelectField>
      )}
      <CheckboxField
        label="Default API"
        hint="Tokens are for this API when a request names none. Only one API is the default."
        checked={values.isDefault}
        onChange={(e) => set('isDefault')(e.target.checked)}
      />
      {errors.isDefault && <p className="field-error">{errors.isDefault}</p>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
        {children}
      </div>
    </form>
  );
}
