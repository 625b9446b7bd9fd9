import { Badge } from '../../../components/states';
import type { RegistrationToken } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';

/** A token's status as a badge, toned as clients' are: only an active one can still register a client. */
export function TokenStatus({ token }: { token: RegistrationToken }) {
  return <Badge tone={token.status === 'active' ? 'ok' : 'muted'}>{token.status}</Badge>;
}

/** `2 of 5 left`, or the count so far when there is no limit. */
export function usesText(token: RegistrationToken): string {
  if (token.maxUses === null) return `${token.uses} used, no limit`;
  return `${token.remainingUses ?? 0} of ${token.maxUses} left`;
}

export const grantTypesText = (token: RegistrationToken) => token.grantTypes?.join(', ') ?? 'Any grant type';
export const scopesText = (token: RegistrationToken) => token.scopes?.join(' ') ?? 'Any scope but oauth-admin';
export const expiryText = (token: RegistrationToken) => (token.expiresAt === null ? 'Never' : formatDateTime(token.expiresAt));

/** Everything there is to know about one token, as a definition list. */
export function TokenDetails({ token }: { token: RegistrationToken }) {
  return (
    <dl className="details">
      <dt>Token</dt>
      <dd>
        <code>{token.prefix}…</code>
      </dd>
      <dt>Description</dt>
      <dd>{token.description ?? '—'}</dd>
      <dt>Status</dt>
      <dd>
        <TokenStatus token={token} />
      </dd>
      <dt>Uses</dt>
      <dd>{usesText(token)}</dd>
      <dt>Grant types</dt>
      <dd>{grantTypesText(token)}</dd>
      <dt>Scopes</dt>
      <dd>{scopesText(token)}</dd>
      <dt>Expires</dt>
      <dd>{expiryText(token)}</dd>
      <dt>Created</dt>
      <dd>{formatDateTime(token.createdAt)}</dd>
      <dt>Last used</dt>
      <dd>{token.lastUsedAt === null ? 'Never' : formatDateTime(token.lastUsedAt)}</dd>
      {token.revokedAt !== null && (
        <>
          <dt>Revoked</dt>
          <dd>{formatDateTime(token.revokedAt)}</dd>
        </>
      )}
    </dl>
  );
}
