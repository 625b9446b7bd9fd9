import type { ReactNode } from 'react';
import { Badge, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { useSettings } from '../../../lib/api/get-settings';
import type { Settings } from '../../../lib/contract';
import { formatDuration } from '../../../lib/format';

type Rule = Settings['rateLimits']['token'];

const rule = (value: Rule) => (value === null ? <span className="muted">off</span> : `${value.limit} per ${formatDuration(value.windowSeconds)}`);
const onOff = (value: boolean) => (value ? 'on' : 'off');

function Group({ title, variables, children }: { title: string; variables?: string; children: ReactNode }) {
  const id = `settings-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {variables && <p className="hint">{variables}</p>}
      <dl className="details">{children}</dl>
    </section>
  );
}

function Row({ label, env, children }: { label: string; env: string; children: ReactNode }) {
  return (
    <>
      <dt>
        {label} <span className="env-name">{env}</span>
      </dt>
      <dd>{children}</dd>
    </>
  );
}

/** The server's effective configuration, read-only, secrets masked; each value names the variable that sets it. */
export function SettingsPage() {
  const settings = useSettings();
  if (settings.isPending) return <Loading label="Loading the settings…" />;
  if (settings.isError) {
    return (
      <>
        <PageHeader title="Settings" />
        <ErrorMessage error={settings.error} title="Could not load the settings" onRetry={() => void settings.refetch()} />
      </>
    );
  }
  const s = settings.data;
  const r = s.rateLimits;
  return (
    <>
      <PageHeader
        title="Settings"
        description={<>The configuration this server runs with (version {s.version}). It comes from the environment: change a variable and restart to change it here.</>}
      />
      <Group title="Server">
        <Row label="Issuer" env="ISSUER"><code>{s.issuer}</code></Row>
        <Row label="Database" env="DATABASE_URL">
          <Badge tone="info">{s.database.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}</Badge> <code className="wrap-anywhere">{s.database.location}</code>
        </Row>
        <Row label="Signing key encryption" env="KEY_ENCRYPTION_KEY, KEY_FILE">
          {s.keyEncryption.source === 'variable' ? 'From KEY_ENCRYPTION_KEY (value hidden)' : <>From the file <code>{s.keyEncryption.file}</code></>}
        </Row>
        <Row label="Metrics token" env="METRICS_TOKEN">{s.metricsToken === 'set' ? 'Set (value hidden)' : 'Not set: only loopback may read /metrics'}</Row>
        <Row label="Admin API origins" env="ADMIN_CORS_ORIGINS">{s.adminCorsOrigins.length > 0 ? s.adminCorsOrigins.join(', ') : 'Same origin only'}</Row>
        <Row label="Purge of expired rows" env="PURGE_INTERVAL">{s.purgeIntervalSeconds === null ? 'off' : `every ${formatDuration(s.purgeIntervalSeconds)}`}</Row>
        <Row label="Strict-Transport-Security" env="HSTS_MAX_AGE">
          {s.hstsMaxAgeSeconds === null ? 'off' : `max-age ${formatDuration(s.hstsMaxAgeSeconds)}${s.issuer.startsWith('https:') ? '' : ' (sent only when the issuer is https)'}`}
        </Row>
      </Group>
      <Group title="Lifetimes" variables="A client may set its own access and refresh token lifetimes.">
        <Row label="Access tokens" env="ACCESS_TOKEN_TTL">{formatDuration(s.lifetimes.accessToken)}</Row>
        <Row label="Refresh tokens" env="REFRESH_TOKEN_TTL">{formatDuration(s.lifetimes.refreshToken)}</Row>
        <Row label="Refresh tokens unused" env="REFRESH_TOKEN_IDLE_TTL">{formatDuration(s.lifetimes.refreshTokenIdle)}</Row>
        <Row label="Authorization codes" env="AUTHORIZATION_CODE_TTL">{formatDuration(s.lifetimes.authorizationCode)}</Row>
        <Row label="ID tokens" env="ID_TOKEN_TTL">{formatDuration(s.lifetimes.idToken)}</Row>
        <Row label="Sign-in sessions" env="SESSION_TTL">{formatDuration(s.lifetimes.session)}</Row>
      </Group>
      <Group title="Tokens and sign-in">
        <Row label="ID token signing" env="ID_TOKEN_SIGNING_ALG">{s.idTokenSigningAlg}</Row>
        <Row label="PKCE for every client" env="PKCE_REQUIRED">{s.pkceRequired ? 'required' : 'public clients only'}</Row>
        <Row label="Second factor for administrators" env="ADMIN_MFA_REQUIRED">{s.adminMfaRequired ? 'required' : 'optional'}</Row>
      </Group>
      <Group title="Rate limits">
        <Row label="Token requests per client" env="TOKEN_RATE_LIMIT">{rule(r.token)}</Row>
        <Row label="Failed client authentications per address" env="CLIENT_AUTH_FAILURE_LIMIT">{rule(r.clientAuthFailures)}</Row>
        <Row label="Failed public client requests per address" env="PUBLIC_CLIENT_FAILURE_LIMIT">{rule(r.publicClientFailures)}</Row>
        <Row label="Failed sign-ins per account" env="LOGIN_FAILURE_LIMIT">{rule(r.loginFailuresPerAccount)}</Row>
        <Row label="Failed sign-ins per address" env="LOGIN_ADDRESS_FAILURE_LIMIT">{rule(r.loginFailuresPerAddress)}</Row>
        <Row label="Sign-in requests per address" env="AUTHORIZE_RATE_LIMIT">{rule(r.interactions)}</Row>
        <Row label="Registrations per address" env="REGISTRATION_RATE_LIMIT">{rule(r.registrations)}</Row>
        <Row label="Metadata document fetches per address" env="CLIENT_METADATA_FETCH_LIMIT">{rule(r.clientMetadataFetches)}</Row>
      </Group>
      <Group title="Client registration">
        <Row label="Dynamic registration" env="REGISTRATION">
          {{ off: 'off', token: 'with an initial access token', open: 'open to anyone' }[s.registration.mode]}
        </Row>
        {s.registration.mode === 'open' && (
          <>
            <Row label="Open registration grant types" env="OPEN_REGISTRATION_GRANT_TYPES">{s.registration.openGrantTypes.join(', ') || '—'}</Row>
            <Row label="Open registration scopes" env="OPEN_REGISTRATION_SCOPES">{s.registration.openScopes.join(' ') || '—'}</Row>
          </>
        )}
        <Row label="Client metadata documents" env="CLIENT_METADATA_DOCUMENTS">{onOff(s.registration.clientMetadataDocuments)}</Row>
      </Group>
    </>
  );
}
