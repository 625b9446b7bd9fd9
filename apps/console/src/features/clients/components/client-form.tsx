import { useState, type FormEvent, type ReactNode } from 'react';
import { CheckboxField, CheckboxGroup, FormError, SelectField, TextAreaField, TextField } from '../../../components/fields';
import { fieldErrors, errorMessage } from '../../../lib/api/errors';
import { useScopes } from '../../../lib/api/list-scopes';
import type { Client, CreateClientRequest } from '../../../lib/contract';
import { formatDuration, parseDuration } from '../../../lib/format';
import { GRANT_TYPE_OPTIONS, type GrantType } from '../../../lib/grant-types';
import { ClientApiFields } from './client-apis';

type AuthMethod = Client['tokenEndpointAuthMethod'];

/** What the form edits, as typed: lists one per line, lifetimes as durations. */
export interface ClientFormValues {
  name: string;
  siteUrl: string;
  logoUrl: string;
  grantTypes: GrantType[];
  tokenEndpointAuthMethod: AuthMethod;
  redirectUris: string;
  postLogoutRedirectUris: string;
  scopes: string[];
  accessTokenTtl: string;
  refreshTokenTtl: string;
  resourceServer: boolean;
  idTokenSigningAlg: '' | 'ES256' | 'RS256';
  /** Identifiers; null for any API. */
  allowedResources: string[] | null;
  /** The identifier of the API a resource server introspects for; '' for none. */
  resource: string;
}

/** A new client's defaults: confidential, client credentials. */
export const emptyClientForm: ClientFormValues = {
  name: '', siteUrl: '', logoUrl: '', grantTypes: ['client_credentials'], tokenEndpointAuthMethod: 'client_secret_basic',
  redirectUris: '', postLogoutRedirectUris: '', scopes: [], accessTokenTtl: '', refreshTokenTtl: '', resourceServer: false, idTokenSigningAlg: '',
  allowedResources: null, resource: '',
};

/** The registration fields this form edits; the rest (keys, contacts, registration metadata) stay as they are. */
export type ClientFormBody = Required<Pick<CreateClientRequest,
  'name' | 'siteUrl' | 'logoUrl' | 'grantTypes' | 'tokenEndpointAuthMethod' | 'redirectUris' | 'postLogoutRedirectUris' |
  'scopes' | 'accessTokenTtl' | 'refreshTokenTtl' | 'resourceServer' | 'idTokenSigningAlg' | 'allowedResources' | 'resource'>>;

/** A client's registration as form values. */
export function clientToForm(client: Client): ClientFormValues {
  return {
    name: client.name,
    siteUrl: client.siteUrl ?? '',
    logoUrl: client.logoUrl ?? '',
    grantTypes: [...client.grantTypes],
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    redirectUris: client.redirectUris.join('\n'),
    postLogoutRedirectUris: client.postLogoutRedirectUris.join('\n'),
    scopes: [...client.scopes],
    accessTokenTtl: client.accessTokenTtl === null ? '' : formatDuration(client.accessTokenTtl),
    refreshTokenTtl: client.refreshTokenTtl === null ? '' : formatDuration(client.refreshTokenTtl),
    resourceServer: client.resourceServer,
    idTokenSigningAlg: client.idTokenSigningAlg ?? '',
    allowedResources: client.allowedResources === null ? null : [...client.allowedResources],
    resource: client.resource ?? '',
  };
}

const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

/** The request body for the form's values, or the fields the console can already tell are wrong. */
export function formToRequest(values: ClientFormValues): { body: ClientFormBody } | { errors: Record<string, string> } {
  const accessTokenTtl = parseDuration(values.accessTokenTtl);
  const refreshTokenTtl = parseDuration(values.refreshTokenTtl);
  const errors: Record<string, string> = {};
  const durationHint = 'must be a duration such as 3600, 15m, 1h or 30d';
  if (Number.isNaN(accessTokenTtl)) errors.accessTokenTtl = durationHint;
  if (Number.isNaN(refreshTokenTtl)) errors.refreshTokenTtl = durationHint;
  if (Object.keys(errors).length > 0) return { errors };
  return {
    body: {
      name: values.name.trim(),
      siteUrl: orNull(values.siteUrl),
      logoUrl: orNull(values.logoUrl),
      grantTypes: values.grantTypes,
      tokenEndpointAuthMethod: values.tokenEndpointAuthMethod,
      redirectUris: lines(values.redirectUris),
      postLogoutRedirectUris: lines(values.postLogoutRedirectUris),
      scopes: values.scopes,
      accessTokenTtl,
      refreshTokenTtl,
      resourceServer: values.resourceServer,
      idTokenSigningAlg: values.idTokenSigningAlg === '' ? null : values.idTokenSigningAlg,
      allowedResources: values.allowedResources,
      resource: values.resource === '' ? null : values.resource,
    },
  };
}

/** Props of {@link ClientForm}. */
export interface ClientFormProps {
  initial: ClientFormValues;
  submitLabel: string;
  pending: boolean;
  /** The last failed submission, whose field messages show under their inputs. */
  error: unknown;
  /** Whether the authentication method may change (a public client stays public). */
  lockAuthMethod?: boolean;
  onSubmit(body: ClientFormBody): void;
  children?: ReactNode;
}

/** A client registration form: grant types, redirect URIs, scopes, authentication method, lifetimes. */
export function ClientForm({ initial, submitLabel, pending, error, lockAuthMethod, onSubmit, children }: ClientFormProps) {
  const [values, setValues] = useState(initial);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const scopes = useScopes();
  const serverErrors = fieldErrors(error);
  const errors = { ...serverErrors, ...localErrors };
  const set = <K extends keyof ClientFormValues>(key: K) => (value: ClientFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const known = Object.keys(serverErrors).filter((key) => key in initial);
  const formMessage = error && known.length === 0 ? errorMessage(error) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = formToRequest(values);
    if ('errors' in result) {
      setLocalErrors(result.errors);
      return;
    }
    setLocalErrors({});
    onSubmit(result.body);
  }

  // oauth-admin belongs to the console alone: the API refuses it on any other client, so it is not offered.
  const scopeOptions = (scopes.data?.items ?? []).filter((scope) => scope.name !== 'oauth-admin').map((scope) => ({
    value: scope.name,
    label: (
      <>
        <code>{scope.name}</code> <span className="muted">{scope.description}</span>
      </>
    ),
  }));
  for (const name of values.scopes) {
    if (!scopeOptions.some((o) => o.value === name)) scopeOptions.push({ value: name, label: <code>{name}</code> });
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError message={formMessage} />
      <TextField label="Name" required value={values.name} onChange={(e) => set('name')(e.target.value)} error={errors.name} autoComplete="off" />
      <SelectField
        label="Client type and authentication"
        value={values.tokenEndpointAuthMethod}
        disabled={lockAuthMethod}
        onChange={(e) => set('tokenEndpointAuthMethod')(e.target.value as AuthMethod)}
        error={errors.tokenEndpointAuthMethod}
        hint={lockAuthMethod ? 'A public client stays public.' : 'Public clients (browser and mobile apps) have no secret and must use PKCE.'}
      >
        <option value="client_secret_basic">Confidential: secret in HTTP Basic (client_secret_basic)</option>
        <option value="client_secret_post">Confidential: secret in the form body (client_secret_post)</option>
        <option value="none">Public: no secret (none)</option>
      </SelectField>
      <CheckboxGroup legend="Grant types" options={GRANT_TYPE_OPTIONS} value={values.grantTypes} onChange={set('grantTypes')} error={errors.grantTypes} />
      <TextAreaField
        label="Redirect URIs"
        hint="One per line; matched exactly. https, or http for localhost and loopback addresses only."
        rows={3}
        value={values.redirectUris}
        onChange={(e) => set('redirectUris')(e.target.value)}
        error={errors.redirectUris}
      />
      <TextAreaField
        label="Post-logout redirect URIs"
        hint="One per line: where the application may send users after they sign out."
        rows={2}
        value={values.postLogoutRedirectUris}
        onChange={(e) => set('postLogoutRedirectUris')(e.target.value)}
        error={errors.postLogoutRedirectUris}
      />
      <CheckboxGroup
        legend="Scopes"
        hint={scopes.isError ? `The scope list could not be loaded: ${errorMessage(scopes.error)}` : 'What the client may ask for.'}
        options={scopeOptions}
        value={values.scopes}
        onChange={set('scopes')}
        error={errors.scopes}
      />
      <ClientApiFields
        allowedResources={values.allowedResources}
        resource={values.resource}
        resourceServer={values.resourceServer}
        errors={errors}
        onChange={(change) => setValues((v) => ({ ...v, ...change }))}
      />
      <div className="field-row">
        <TextField
          label="Access token lifetime"
          hint="Blank for the server default; 3600, 15m, 1h, 30d."
          value={values.accessTokenTtl}
          onChange={(e) => set('accessTokenTtl')(e.target.value)}
          error={errors.accessTokenTtl}
          inputMode="text"
        />
        <TextField
          label="Refresh token lifetime"
          hint="Blank for the server default."
          value={values.refreshTokenTtl}
          onChange={(e) => set('refreshTokenTtl')(e.target.value)}
          error={errors.refreshTokenTtl}
        />
      </div>
      <details className="advanced">
        <summary>More settings</summary>
        <TextField label="Site URL" type="url" value={values.siteUrl} onChange={(e) => set('siteUrl')(e.target.value)} error={errors.siteUrl} />
        <TextField label="Logo URL" type="url" value={values.logoUrl} onChange={(e) => set('logoUrl')(e.target.value)} error={errors.logoUrl} hint="Shown on the consent page." />
        <SelectField label="ID token signing algorithm" value={values.idTokenSigningAlg} onChange={(e) => set('idTokenSigningAlg')(e.target.value as ClientFormValues['idTokenSigningAlg'])} error={errors.idTokenSigningAlg}>
          <option value="">Server default</option>
          <option value="ES256">ES256</option>
          <option value="RS256">RS256</option>
        </SelectField>
        <CheckboxField
          label="Resource server"
          hint="An API that may introspect any token. It may have no grant types."
          checked={values.resourceServer}
          onChange={(e) => set('resourceServer')(e.target.checked)}
        />
        {errors.resourceServer && <p className="field-error">{errors.resourceServer}</p>}
      </details>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
        {children}
      </div>
    </form>
  );
}
