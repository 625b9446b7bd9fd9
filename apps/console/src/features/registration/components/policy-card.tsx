import { Badge, ErrorMessage, Loading } from '../../../components/states';
import type { RegistrationPolicy } from '../../../lib/contract';
import { formatDuration } from '../../../lib/format';
import { useRegistrationPolicy } from '../api/get-registration-policy';

const MODES: Record<RegistrationPolicy['mode'], { label: string; tone: 'ok' | 'muted' | 'info'; text: string }> = {
  off: {
    label: 'Off',
    tone: 'muted',
    text: 'No client can register itself. Registration tokens made here start to work once the server runs with REGISTRATION=token or open.',
  },
  token: {
    label: 'Registration token required',
    tone: 'ok',
    text: 'A client registers itself only with a registration token made here, and gets at most what that token allows.',
  },
  open: {
    label: 'Open',
    tone: 'info',
    text: 'Anyone may register a client without a token, with at most the grant types and scopes below. A client presenting a registration token gets what the token allows instead.',
  },
};

const WINDOWS: Record<number, string> = { 60: 'minute', 3600: 'hour', 86400: 'day' };

function rateLimitText(policy: RegistrationPolicy): string {
  if (policy.rateLimit === null) return 'None';
  const { limit, windowSeconds } = policy.rateLimit;
  const counted = policy.mode === 'open' ? 'registrations without a token and attempts with a bad one' : 'attempts with a bad token';
  return `${limit} per ${WINDOWS[windowSeconds] ?? formatDuration(windowSeconds)} from each address, counting ${counted}`;
}

function OpenScopes({ open }: { open: NonNullable<RegistrationPolicy['open']> }) {
  if (open.scopes.length === 0) return <>None</>;
  return (
    <>
      {open.scopes.map((scope) => (
        <span key={scope} className="scope-item">
          <code>{scope}</code>
          {open.missingScopes.includes(scope) && <Badge tone="danger">not defined here: never granted</Badge>}
        </span>
      ))}
    </>
  );
}

/** The registration policy the server runs with, which only its configuration changes. */
export function PolicyCard() {
  const policy = useRegistrationPolicy();
  return (
    <section className="card" aria-labelledby="registration-policy">
      <h2 id="registration-policy">Policy</h2>
      {policy.isPending ? (
        <Loading label="Loading the policy…" />
      ) : policy.isError ? (
        <ErrorMessage error={policy.error} title="Could not load the registration policy" onRetry={() => void policy.refetch()} />
      ) : (
        <>
          <p className="policy-mode">
            <Badge tone={MODES[policy.data.mode].tone}>{MODES[policy.data.mode].label}</Badge> {MODES[policy.data.mode].text}
          </p>
          <dl className="details">
            {policy.data.registrationEndpoint !== null && (
              <>
                <dt>Endpoint</dt>
                <dd>
                  <code>{policy.data.registrationEndpoint}</code>
                </dd>
              </>
            )}
            {policy.data.open !== null && (
              <>
                <dt>Grant types without a token</dt>
                <dd>{policy.data.open.grantTypes.join(', ') || 'None'}</dd>
                <dt>Scopes without a token</dt>
                <dd>
                  <OpenScopes open={policy.data.open} />
                </dd>
              </>
            )}
            {policy.data.mode !== 'off' && (
              <>
                <dt>Rate limit</dt>
                <dd>{rateLimitText(policy.data)}</dd>
              </>
            )}
          </dl>
          <p className="hint">
            Set by the server&rsquo;s configuration (<code>REGISTRATION</code>, <code>OPEN_REGISTRATION_GRANT_TYPES</code>,{' '}
            <code>OPEN_REGISTRATION_SCOPES</code>, <code>REGISTRATION_RATE_LIMIT</code>), not here.
          </p>
        </>
      )}
    </section>
  );
}
