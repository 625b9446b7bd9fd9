import { useQuery } from '@tanstack/react-query';
import { useId, useRef, useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ErrorSummary, type ErrorSummaryItem } from '../../../components/error-summary';
import { CheckboxGroup, CheckboxRow, SelectField, TextField } from '../../../components/fields';
import { errorMessage, fieldErrorsByPath, sentence } from '../../../lib/api/errors';
import { useScopes } from '../../../lib/api/list-scopes';
import type { Client, CreateClientRequest } from '../../../lib/contract';
import { formatDuration, parseDuration } from '../../../lib/format';
import { GRANT_TYPE_OPTIONS, type GrantType } from '../../../lib/grant-types';
import { toClient } from '../../../lib/links';
import { useFocusFirstInvalid } from '../../../lib/use-focus-first-invalid';
import { listClientsQueryOptions } from '../api/list-clients';
import { ClientApiFields } from './client-apis';
import { ASSERTION_ALGORITHMS, keySetForm, keySetRequest, type AssertionAlgorithm, type KeySource } from './key-set';
import { KeySetFields } from './key-set-fields';
import { PRESETS, presetById, type FormField, type PresetId } from './presets';
import { UriListField } from './uri-list-field';

type AuthMethod = Client['tokenEndpointAuthMethod'];

const TOKEN_EXCHANGE: GrantType = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** What the form edits, as typed: URIs one per line, lifetimes as durations. */
export interface ClientFormValues {
  name: string;
  siteUrl: string;
  logoUrl: string;
  grantTypes: GrantType[];
  tokenEndpointAuthMethod: AuthMethod;
  applicationType: Client['applicationType'];
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Where logout tokens are posted (OIDC Back-Channel Logout); '' for none. */
  backchannelLogoutUri: string;
  scopes: string[];
  accessTokenTtl: string;
  refreshTokenTtl: string;
  resourceServer: boolean;
  /** The client must push its authorization requests (RFC 9126). */
  requirePushedAuthorizationRequests: boolean;
  idTokenSigningAlg: '' | 'ES256' | 'RS256';
  /** Identifiers; null for any API. */
  allowedResources: string[] | null;
  /** The identifier of the API a resource server introspects for; '' for none. */
  resource: string;
  /** Every token request must carry a DPoP proof (RFC 9449). */
  dpopBoundAccessTokens: boolean;
  /** private_key_jwt: where its public keys come from, and each source's value as typed. */
  keySource: KeySource;
  jwksUri: string;
  jwksText: string;
  /** private_key_jwt: the one algorithm its assertions must be signed with; '' for any. */
  tokenEndpointAuthSigningAlg: '' | AssertionAlgorithm;
  /** Token exchange policy: other clients whose tokens it may exchange, one id a line. */
  exchangeSubjectClients: string[];
  /** Token exchange policy: whether it may exchange without an actor token. */
  exchangeImpersonation: boolean;
  /** Held to the FAPI 2.0 Security Profile (`securityProfile: 'fapi2'`). */
  fapi2: boolean;
}

/**
 * A new client's values for an application type. The APIs chosen so far carry over to a type that
 * shows them; one that does not starts from none (any API, no API introspected for).
 */
export function presetForm(id: PresetId, keep: Partial<ClientFormValues> = {}): ClientFormValues {
  const preset = presetById(id);
  return {
    name: '', siteUrl: '', logoUrl: '', redirectUris: [], postLogoutRedirectUris: [], backchannelLogoutUri: '', accessTokenTtl: '', refreshTokenTtl: '', idTokenSigningAlg: '',
    dpopBoundAccessTokens: false,
    requirePushedAuthorizationRequests: false,
    keySource: 'inline', jwksUri: '', jwksText: '', tokenEndpointAuthSigningAlg: '',
    exchangeSubjectClients: [], exchangeImpersonation: true,
    fapi2: false,
    ...keep,
    grantTypes: [...preset.grantTypes],
    tokenEndpointAuthMethod: preset.tokenEndpointAuthMethod,
    applicationType: preset.applicationType,
    resourceServer: preset.resourceServer,
    scopes: [...preset.scopes],
    allowedResources: preset.fields.includes('allowedResources') ? keep.allowedResources ?? null : null,
    resource: preset.resourceServer ? keep.resource ?? '' : '',
  };
}

/** A new client's defaults: a machine-to-machine client (confidential, client credentials). */
export const emptyClientForm: ClientFormValues = presetForm('machine');

/**
 * The registration fields this form edits; the rest (contacts, registration metadata) stay as they
 * are, and so do the keys of a client that does not authenticate with them.
 */
export type ClientFormBody = Required<Pick<CreateClientRequest,
  'name' | 'siteUrl' | 'logoUrl' | 'grantTypes' | 'tokenEndpointAuthMethod' | 'redirectUris' | 'postLogoutRedirectUris' | 'backchannelLogoutUri' |
  'scopes' | 'accessTokenTtl' | 'refreshTokenTtl' | 'resourceServer' | 'idTokenSigningAlg' | 'applicationType' | 'allowedResources' | 'resource' |
  'dpopBoundAccessTokens' | 'requirePushedAuthorizationRequests' | 'securityProfile' | 'tokenEndpointAuthSigningAlg' | 'tokenExchange'>> & Pick<CreateClientRequest, 'jwks' | 'jwksUri'>;

/** A client's registration as form values. */
export function clientToForm(client: Client): ClientFormValues {
  return {
    name: client.name,
    siteUrl: client.siteUrl ?? '',
    logoUrl: client.logoUrl ?? '',
    grantTypes: [...client.grantTypes],
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    applicationType: client.applicationType,
    redirectUris: [...client.redirectUris],
    postLogoutRedirectUris: [...client.postLogoutRedirectUris],
    backchannelLogoutUri: client.backchannelLogoutUri ?? '',
    scopes: [...client.scopes],
    accessTokenTtl: client.accessTokenTtl === null ? '' : formatDuration(client.accessTokenTtl),
    refreshTokenTtl: client.refreshTokenTtl === null ? '' : formatDuration(client.refreshTokenTtl),
    resourceServer: client.resourceServer,
    requirePushedAuthorizationRequests: client.requirePushedAuthorizationRequests,
    idTokenSigningAlg: client.idTokenSigningAlg ?? '',
    allowedResources: client.allowedResources === null ? null : [...client.allowedResources],
    resource: client.resource ?? '',
    dpopBoundAccessTokens: client.dpopBoundAccessTokens,
    ...keySetForm(client),
    tokenEndpointAuthSigningAlg: client.tokenEndpointAuthSigningAlg ?? '',
    exchangeSubjectClients: [...client.tokenExchange.subjectClients],
    exchangeImpersonation: client.tokenExchange.impersonation,
    fapi2: client.securityProfile === 'fapi2',
  };
}

const filled = (rows: string[]) => rows.map((row) => row.trim()).filter((row) => row !== '');
const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

function isAbsoluteUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

/**
 * The request body for the form's values, or what the console can already tell is wrong, by field
 * path (`redirectUris.1` for the second URI), in sentences. URI lists lose their blank lines first,
 * so the API's indexes and the form's lines agree.
 */
export function formToRequest(values: ClientFormValues): { body: ClientFormBody } | { errors: Record<string, string> } {
  const accessTokenTtl = parseDuration(values.accessTokenTtl);
  const refreshTokenTtl = parseDuration(values.refreshTokenTtl);
  const redirectUris = filled(values.redirectUris);
  const postLogoutRedirectUris = filled(values.postLogoutRedirectUris);
  const errors: Record<string, string> = {};
  const durationHint = 'Enter a duration such as 3600, 15m, 1h or 30d, or leave it blank for the server default.';
  if (values.name.trim() === '') errors.name = 'Enter a name for the client.';
  if (Number.isNaN(accessTokenTtl)) errors.accessTokenTtl = durationHint;
  if (Number.isNaN(refreshTokenTtl)) errors.refreshTokenTtl = durationHint;
  for (const [field, uris] of [['redirectUris', redirectUris], ['postLogoutRedirectUris', postLogoutRedirectUris]] as const) {
    uris.forEach((uri, index) => {
      if (!isAbsoluteUri(uri)) errors[`${field}.${index}`] = 'Enter a whole URI with its scheme, such as https://app.example.com/callback.';
    });
  }
  if (values.backchannelLogoutUri.trim() !== '' && !isAbsoluteUri(values.backchannelLogoutUri.trim())) {
    errors.backchannelLogoutUri = 'Enter a whole URI with its scheme, such as https://app.example.com/backchannel-logout.';
  }
  if (values.grantTypes.includes('authorization_code') && redirectUris.length === 0) {
    errors.redirectUris = 'Add a redirect URI: users are sent back there after they sign in.';
  }
  if (values.resource !== '' && !values.resourceServer) {
    errors.resource = 'Only a resource server introspects for an API: tick Resource server, or choose None.';
  }
  const signsWithKeys = values.tokenEndpointAuthMethod === 'private_key_jwt';
  const keys = signsWithKeys ? keySetRequest(values) : null;
  if (keys && 'errors' in keys) Object.assign(errors, keys.errors);
  if (Object.keys(errors).length > 0 || (keys && 'errors' in keys)) return { errors };
  return {
    body: {
      name: values.name.trim(),
      siteUrl: orNull(values.siteUrl),
      logoUrl: orNull(values.logoUrl),
      grantTypes: values.grantTypes,
      tokenEndpointAuthMethod: values.tokenEndpointAuthMethod,
      applicationType: values.applicationType,
      redirectUris,
      postLogoutRedirectUris,
      backchannelLogoutUri: orNull(values.backchannelLogoutUri),
      scopes: values.scopes,
      accessTokenTtl,
      refreshTokenTtl,
      resourceServer: values.resourceServer,
      // Only the code flow has authorization requests to push.
      requirePushedAuthorizationRequests: values.grantTypes.includes('authorization_code') && (values.fapi2 || values.requirePushedAuthorizationRequests),
      idTokenSigningAlg: values.idTokenSigningAlg === '' ? null : values.idTokenSigningAlg,
      allowedResources: values.allowedResources,
      resource: values.resource === '' ? null : values.resource,
      dpopBoundAccessTokens: values.fapi2 || values.dpopBoundAccessTokens,
      tokenEndpointAuthSigningAlg: signsWithKeys && values.tokenEndpointAuthSigningAlg !== '' ? values.tokenEndpointAuthSigningAlg : null,
      tokenExchange: { subjectClients: filled(values.exchangeSubjectClients), impersonation: values.exchangeImpersonation },
      ...(keys && 'fields' in keys && keys.fields),
      securityProfile: values.fapi2 ? 'fapi2' : null,
    },
  };
}

/** The form's fields in the order they are shown, with the names the error summary uses. */
const FIELD_LABELS: [keyof ClientFormValues | 'jwks', string][] = [
  ['name', 'Name'],
  ['tokenEndpointAuthMethod', 'Client type and authentication'],
  ['jwksUri', 'Key set URL'],
  ['jwks', 'Key set (JSON)'],
  ['tokenEndpointAuthSigningAlg', 'Assertion signing algorithm'],
  ['grantTypes', 'Grant types'],
  ['redirectUris', 'Redirect URIs'],
  ['postLogoutRedirectUris', 'Post-logout redirect URIs'],
  ['backchannelLogoutUri', 'Back-channel logout URI'],
  ['scopes', 'Scopes'],
  ['exchangeSubjectClients', 'Clients whose tokens it may exchange'],
  ['exchangeImpersonation', 'Exchange without an actor token'],
  ['allowedResources', 'APIs this client may ask for'],
  ['resource', 'API it introspects for'],
  ['accessTokenTtl', 'Access token lifetime'],
  ['refreshTokenTtl', 'Refresh token lifetime'],
  ['applicationType', 'Application type'],
  ['siteUrl', 'Site URL'],
  ['logoUrl', 'Logo URL'],
  ['idTokenSigningAlg', 'ID token signing algorithm'],
  ['requirePushedAuthorizationRequests', 'Require pushed authorization requests'],
  ['resourceServer', 'Resource server'],
  ['dpopBoundAccessTokens', 'Require DPoP'],
  ['fapi2', 'FAPI 2.0 profile'],
];
/** A setting the FAPI 2.0 profile turns on: shown on and fixed while the profile is ticked (the API turns it on too). */
const REQUIRED_BY_FAPI2 = { checked: true, disabled: true };
const FAPI2_HINT = ' Always on under the FAPI 2.0 profile.';

const LIST_FIELDS = new Set(['redirectUris', 'postLogoutRedirectUris', 'exchangeSubjectClients']);
/** The API's names for the token exchange policy's parts, and the form's. */
const NESTED_FIELDS: Record<string, string> = { 'tokenExchange.subjectClients': 'exchangeSubjectClients', 'tokenExchange.impersonation': 'exchangeImpersonation' };

/** Paths of the API's messages as the form places them: URI and id lists by line, other lists as a whole. */
function placeServerErrors(fields: Record<string, string>): Record<string, string> {
  const placed: Record<string, string> = {};
  for (const [apiPath, message] of Object.entries(fields)) {
    const nested = Object.keys(NESTED_FIELDS).find((prefix) => apiPath === prefix || apiPath.startsWith(`${prefix}.`));
    const path = nested ? `${NESTED_FIELDS[nested]}${apiPath.slice(nested.length)}` : apiPath;
    const [field = '_', index] = path.split('.');
    const key = index !== undefined && LIST_FIELDS.has(field) && /^\d+$/.test(index) ? `${field}.${index}` : field;
    placed[key] = placed[key] ? `${placed[key]} ${message}` : message;
  }
  return placed;
}

const usesSecret = (method: AuthMethod) => method === 'client_secret_basic' || method === 'client_secret_post';

/** What saving a change between a secret and keys does to the client's secret, said before it is saved. */
function SecretSwitchNotice({ from, to }: { from: AuthMethod; to: AuthMethod }) {
  if (usesSecret(from) && to === 'private_key_jwt') {
    return (
      <p className="field-warning" role="status">
        Saving deletes the client&rsquo;s secret: from then on it authenticates only with JWTs signed by the keys below.
      </p>
    );
  }
  if (from === 'private_key_jwt' && usesSecret(to)) {
    return (
      <p className="field-warning" role="status">
        Saving gives the client a new secret, shown once after saving; its JWTs stop being accepted.
      </p>
    );
  }
  return null;
}

/** Props of {@link ClientForm}. */
/** The form's yes-or-no settings. */
type YesNoKey = { [K in keyof ClientFormValues]: ClientFormValues[K] extends boolean ? K : never }[keyof ClientFormValues];

export interface ClientFormProps {
  initial: ClientFormValues;
  submitLabel: string;
  pending: boolean;
  /** The last failed submission, whose field messages show under their inputs and in the summary. */
  error: unknown;
  /** Whether the authentication method may change (a public client stays public). */
  lockAuthMethod?: boolean;
  /** Offer the application types (a new client): each shows only the fields that apply to it. */
  presets?: boolean;
  /** The client being edited, which the duplicate-name check leaves out. */
  clientId?: string;
  onSubmit(body: ClientFormBody): void;
  children?: ReactNode;
}

function DuplicateName({ name, clientId }: { name: string; clientId?: string }) {
  const trimmed = name.trim();
  const clients = useQuery({ ...listClientsQueryOptions({ search: trimmed, status: 'active', limit: 20 }), enabled: trimmed !== '', placeholderData: undefined });
  const same = (clients.data?.items ?? []).find((client) => client.id !== clientId && client.name.trim().toLowerCase() === trimmed.toLowerCase());
  if (!same || trimmed === '') return null;
  return (
    <p className="field-warning" role="status">
      Another active client is already called <Link to={toClient({ id: same.id })}>{same.name}</Link>. Users see the name on the consent page, so a
      name of its own tells them which application is asking.
    </p>
  );
}

/**
 * A client registration form. A new client starts from an application type, which shows only the
 * fields that apply to it. On a failed submission the first invalid field takes the focus and a
 * summary by the button lists every problem; a bad URI's message sits under its own line.
 */
export function ClientForm({ initial, submitLabel, pending, error, lockAuthMethod, presets, clientId, onSubmit, children }: ClientFormProps) {
  const [values, setValues] = useState(initial);
  const [preset, setPreset] = useState<PresetId | null>(presets ? 'machine' : null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [checkedName, setCheckedName] = useState(initial.name);
  const formRef = useRef<HTMLFormElement>(null);
  const focus = useFocusFirstInvalid(formRef, error);
  const scopes = useScopes();
  const baseId = useId();
  const fieldId = (name: string) => `${baseId}-${name}`;

  const serverErrors = error ? placeServerErrors(fieldErrorsByPath(error)) : {};
  const errors: Record<string, string> = Object.keys(localErrors).length > 0 ? localErrors : serverErrors;
  const shown = new Set<FormField | 'name'>(['name', ...(preset ? presetById(preset).fields : presetById('custom').fields)]);
  const visible = (field: FormField) => shown.has(field);
  const set = <K extends keyof ClientFormValues>(key: K) => (value: ClientFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));


  function choosePreset(id: PresetId) {
    setPreset(id);
    const offered = new Set((scopes.data?.items ?? []).map((scope) => scope.name));
    const next = presetForm(id, values);
    setValues({ ...next, scopes: next.scopes.filter((scope) => offered.size === 0 || offered.has(scope)) });
    setLocalErrors({});
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const normalised = {
      ...values, redirectUris: filled(values.redirectUris), postLogoutRedirectUris: filled(values.postLogoutRedirectUris), exchangeSubjectClients: filled(values.exchangeSubjectClients),
    };
    setValues(normalised);
    const result = formToRequest(normalised);
    if ('errors' in result) {
      setLocalErrors(result.errors);
      focus.request();
      return;
    }
    setLocalErrors({});
    onSubmit(result.body);
  }

  const lineErrors = (field: 'redirectUris' | 'postLogoutRedirectUris' | 'exchangeSubjectClients') => Object.fromEntries(
    Object.entries(errors).filter(([key]) => key.startsWith(`${field}.`)).map(([key, message]) => [Number(key.split('.')[1]), sentence(message)]),
  );
  const message = (key: string) => (errors[key] ? sentence(errors[key]) : undefined);
  /** A CheckboxRow's id, state, error and change handler for one yes-or-no setting. */
  const toggle = (key: YesNoKey) => ({
    id: fieldId(key), checked: values[key], error: message(key), onChange: (e: ChangeEvent<HTMLInputElement>) => set(key)(e.target.checked),
  });

  // What the summary lists: each field's messages in the form's order, then those of fields the form does not show.
  const summary: ErrorSummaryItem[] = [];
  for (const [field, label] of FIELD_LABELS) {
    for (const [key, text] of Object.entries(errors)) {
      if (key !== field && !key.startsWith(`${field}.`)) continue;
      const line = key.includes('.') ? Number(key.split('.')[1]) : null;
      const target = line === null ? fieldId(field) : `${fieldId(field)}-${line}`;
      summary.push({ key, label: line === null ? label : `${label}, line ${line + 1}`, text: sentence(text), target });
    }
  }
  const placed = new Set(summary.map((item) => item.key));
  for (const [key, text] of Object.entries(errors)) {
    if (!placed.has(key)) summary.push({ key, label: key === '_' ? '' : key, text: sentence(text), target: null });
  }
  if (error && summary.length === 0) summary.push({ key: '_', label: '', text: sentence(errorMessage(error)), target: null });

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
  const confidentialOnly = preset !== null && preset !== 'custom';
  const redirectHint = (preset && presetById(preset).redirectHint)
    ?? (values.applicationType === 'native'
      ? 'A loopback address (any port is accepted) or a private-use scheme such as com.example.app:/callback.'
      : 'Matched exactly. https, or http for localhost and loopback addresses only.');

  return (
    <form className="form" onSubmit={submit} noValidate ref={formRef}>
      {presets && (
        <fieldset className="field presets">
          <legend>Application type</legend>
          <div className="preset-list">
            {PRESETS.map((option) => (
              <label key={option.id} className="preset" data-checked={preset === option.id}>
                <input type="radio" name={`${baseId}-preset`} value={option.id} checked={preset === option.id} onChange={() => choosePreset(option.id)} />
                <span className="preset-label">{option.label}</span>
                <span className="preset-description muted">{option.description}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <TextField
        id={fieldId('name')}
        label="Name"
        required
        hint="Users see it on the consent page."
        value={values.name}
        onChange={(e) => set('name')(e.target.value)}
        onBlur={() => setCheckedName(values.name)}
        error={message('name')}
        autoComplete="off"
      />
      <DuplicateName name={checkedName} clientId={clientId} />
      {visible('authMethod') && (
        <SelectField
          id={fieldId('tokenEndpointAuthMethod')}
          label="Client type and authentication"
          value={values.tokenEndpointAuthMethod}
          disabled={lockAuthMethod}
          onChange={(e) => set('tokenEndpointAuthMethod')(e.target.value as AuthMethod)}
          error={message('tokenEndpointAuthMethod')}
          hint={lockAuthMethod
            ? 'A public client stays public.'
            : confidentialOnly || values.tokenEndpointAuthMethod !== 'none'
              ? 'How the client proves itself at the token endpoint: a secret, or a JWT signed with its own key.'
              : 'Public clients (browser and mobile apps) have no secret and must use PKCE.'}
        >
          <option value="client_secret_basic">Secret in HTTP Basic (client_secret_basic)</option>
          <option value="client_secret_post">Secret in the request body (client_secret_post)</option>
          <option value="private_key_jwt">A JWT signed with its keys (private_key_jwt)</option>
          {(!confidentialOnly || values.tokenEndpointAuthMethod === 'none') && <option value="none">Public: no secret (none)</option>}
        </SelectField>
      )}
      {clientId !== undefined && <SecretSwitchNotice from={initial.tokenEndpointAuthMethod} to={values.tokenEndpointAuthMethod} />}
      {values.tokenEndpointAuthMethod === 'private_key_jwt' && (
        <>
          <KeySetFields
            idPrefix={baseId}
            keySource={values.keySource}
            jwksUri={values.jwksUri}
            jwksText={values.jwksText}
            errors={{ jwks: message('jwks'), jwksUri: message('jwksUri') }}
            onChange={(change) => setValues((v) => ({ ...v, ...change }))}
          />
          <SelectField
            id={fieldId('tokenEndpointAuthSigningAlg')}
            label="Assertion signing algorithm"
            value={values.tokenEndpointAuthSigningAlg}
            onChange={(e) => set('tokenEndpointAuthSigningAlg')(e.target.value as ClientFormValues['tokenEndpointAuthSigningAlg'])}
            error={message('tokenEndpointAuthSigningAlg')}
            hint="token_endpoint_auth_signing_alg: a JWT signed with any other algorithm is refused, even by one of its keys."
          >
            <option value="">Any (RS, PS and ES families, EdDSA)</option>
            {ASSERTION_ALGORITHMS.map((alg) => <option key={alg} value={alg}>{alg}</option>)}
          </SelectField>
        </>
      )}
      {visible('grantTypes') && (
        <CheckboxGroup id={fieldId('grantTypes')} legend="Grant types" options={GRANT_TYPE_OPTIONS} value={values.grantTypes} onChange={set('grantTypes')} error={message('grantTypes')} />
      )}
      {visible('redirectUris') && (
        <UriListField
          id={fieldId('redirectUris')}
          label="Redirect URIs"
          hint={redirectHint}
          placeholder={values.applicationType === 'native' ? 'http://127.0.0.1/callback' : 'https://app.example.com/callback'}
          values={values.redirectUris}
          onChange={set('redirectUris')}
          errors={lineErrors('redirectUris')}
          listError={message('redirectUris')}
        />
      )}
      {visible('postLogoutRedirectUris') && (
        <UriListField
          id={fieldId('postLogoutRedirectUris')}
          label="Post-logout redirect URIs"
          hint="Where the application may send users after they sign out. Optional."
          values={values.postLogoutRedirectUris}
          onChange={set('postLogoutRedirectUris')}
          errors={lineErrors('postLogoutRedirectUris')}
          listError={message('postLogoutRedirectUris')}
        />
      )}
      {visible('postLogoutRedirectUris') && (
        <TextField
          id={fieldId('backchannelLogoutUri')}
          label="Back-channel logout URI"
          type="url"
          placeholder="https://app.example.com/backchannel-logout"
          value={values.backchannelLogoutUri}
          onChange={(e) => set('backchannelLogoutUri')(e.target.value)}
          error={message('backchannelLogoutUri')}
          hint="Where Tollgate posts a signed logout token when a session that signed in to this application ends (OIDC Back-Channel Logout). Optional; https (http only for a confidential client)."
        />
      )}
      {visible('scopes') && (
        <CheckboxGroup
          id={fieldId('scopes')}
          legend="Scopes"
          hint={scopes.isError ? `The scope list could not be loaded: ${errorMessage(scopes.error)}` : 'What the client may ask for.'}
          options={scopeOptions}
          value={values.scopes}
          onChange={set('scopes')}
          error={message('scopes')}
        />
      )}
      {visible('grantTypes') && values.grantTypes.includes(TOKEN_EXCHANGE) && (
        <fieldset className="field">
          <legend>Token exchange</legend>
          <p className="hint">
            What this client may exchange (RFC 8693) beyond its own tokens and those meant for the API it serves; the APIs it may exchange for are the ones it may ask for.
          </p>
          <UriListField
            id={fieldId('exchangeSubjectClients')}
            label="Clients whose tokens it may exchange"
            hint="Client ids, one a line. Optional."
            placeholder="A client id"
            kind="text"
            values={values.exchangeSubjectClients}
            onChange={set('exchangeSubjectClients')}
            errors={lineErrors('exchangeSubjectClients')}
            listError={message('exchangeSubjectClients')}
          />
          <CheckboxRow
            {...toggle('exchangeImpersonation')}
            label="May exchange without an actor token (impersonation)"
            hint="Unticked: only delegation, where the caller sends its own actor_token and the new token names it in its act claim."
          />
        </fieldset>
      )}
      {(visible('allowedResources') || visible('resource')) && (
        <ClientApiFields
          allowedResources={values.allowedResources}
          resource={values.resource}
          resourceServer={values.resourceServer}
          showAllowedResources={visible('allowedResources')}
          showResource={visible('resource')}
          ids={{ allowedResources: fieldId('allowedResources'), resource: fieldId('resource') }}
          errors={{ allowedResources: message('allowedResources'), resource: message('resource') }}
          onChange={(change) => setValues((v) => ({ ...v, ...change }))}
        />
      )}
      {(visible('accessTokenTtl') || visible('refreshTokenTtl')) && (
        <div className="field-row">
          {visible('accessTokenTtl') && (
            <TextField
              id={fieldId('accessTokenTtl')}
              label="Access token lifetime"
              hint="Blank for the server default; 3600, 15m, 1h, 30d."
              value={values.accessTokenTtl}
              onChange={(e) => set('accessTokenTtl')(e.target.value)}
              error={message('accessTokenTtl')}
              inputMode="text"
            />
          )}
          {visible('refreshTokenTtl') && (
            <TextField
              id={fieldId('refreshTokenTtl')}
              label="Refresh token lifetime"
              hint="Blank for the server default."
              value={values.refreshTokenTtl}
              onChange={(e) => set('refreshTokenTtl')(e.target.value)}
              error={message('refreshTokenTtl')}
            />
          )}
        </div>
      )}
      {visible('applicationType') && (
        <SelectField
          id={fieldId('applicationType')}
          label="Application type"
          value={values.applicationType}
          onChange={(e) => set('applicationType')(e.target.value as Client['applicationType'])}
          error={message('applicationType')}
          hint="Native applications may use loopback and private-use scheme redirect URIs."
        >
          <option value="web">Web (a browser or server application)</option>
          <option value="native">Native (runs on a device)</option>
        </SelectField>
      )}
      {(visible('more') || visible('resourceServer') || visible('dpop')) && (
        <details className="advanced">
          <summary>More settings</summary>
          {visible('more') && (
            <>
              <TextField id={fieldId('siteUrl')} label="Site URL" type="url" value={values.siteUrl} onChange={(e) => set('siteUrl')(e.target.value)} error={message('siteUrl')} />
              <TextField id={fieldId('logoUrl')} label="Logo URL" type="url" value={values.logoUrl} onChange={(e) => set('logoUrl')(e.target.value)} error={message('logoUrl')} hint="Shown on the consent page." />
              <SelectField
                id={fieldId('idTokenSigningAlg')}
                label="ID token signing algorithm"
                value={values.idTokenSigningAlg}
                onChange={(e) => set('idTokenSigningAlg')(e.target.value as ClientFormValues['idTokenSigningAlg'])}
                error={message('idTokenSigningAlg')}
              >
                <option value="">Server default</option>
                <option value="ES256">ES256</option>
                <option value="RS256">RS256</option>
              </SelectField>
              {values.grantTypes.includes('authorization_code') && (
                <CheckboxRow
                  {...toggle('requirePushedAuthorizationRequests')}
                  {...(values.fapi2 && REQUIRED_BY_FAPI2)}
                  label="Require pushed authorization requests (PAR)"
                  hint={`The app must send its sign-in requests to /oauth/par first (RFC 9126); requests straight to /oauth/authorize are refused.${values.fapi2 ? FAPI2_HINT : ''}`}
                />
              )}
            </>
          )}
          {visible('dpop') && values.grantTypes.length > 0 && (
            <>
              <CheckboxRow
                {...toggle('dpopBoundAccessTokens')}
                {...(values.fapi2 && REQUIRED_BY_FAPI2)}
                label="Require DPoP"
                hint={`Every token request must carry a DPoP proof, so each token is bound to the client's key and useless to anyone who copies it.${values.fapi2 ? FAPI2_HINT : ''}`}
              />
              <CheckboxRow
                {...toggle('fapi2')}
                label="FAPI 2.0 profile"
                hint="Hold this client to the FAPI 2.0 Security Profile: private_key_jwt only, pushed requests with PKCE, DPoP-bound tokens, codes of 60 seconds."
              />
            </>
          )}
          {visible('resourceServer') && (
            <CheckboxRow
              {...toggle('resourceServer')}
              label="Resource server"
              hint="An API that may introspect any token. It may have no grant types."
            />
          )}
        </details>
      )}
      <ErrorSummary items={summary} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
        {children}
      </div>
    </form>
  );
}
