import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ConfirmDialog } from '../../../components/dialog';
import { SecretBox } from '../../../components/secret-box';
import { Badge, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { errorMessage } from '../../../lib/api/errors';
import type { Client, UpdateClientRequest } from '../../../lib/contract';
import { formatDateTime, formatDuration } from '../../../lib/format';
import { toAudit, toClients, toConsents, toTokens } from '../../../lib/links';
import { useToast } from '../../../lib/toast';
import { useClient } from '../api/get-client';
import { useRevokeClient } from '../api/revoke-client';
import { useRotateClientSecret } from '../api/rotate-client-secret';
import { useUpdateClient } from '../api/update-client';
import { ClientForm, clientToForm, type ClientFormBody } from './client-form';
import { RegistrationBadge } from './registration-badge';
import { ClientMetadata, HowRegistered } from './registration-details';

/** The fields of `next` that differ from the client's registration. */
function changesOf(client: Client, next: ClientFormBody): UpdateClientRequest {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify(client[key as keyof Client])) changes[key] = value;
  }
  return changes as UpdateClientRequest;
}

function Settings({ client }: { client: Client }) {
  const update = useUpdateClient();
  const toast = useToast();
  const readOnly = client.system || client.status === 'revoked';
  if (readOnly) {
    return (
      <dl className="details">
        <dt>Grant types</dt>
        <dd>{client.grantTypes.join(', ') || '—'}</dd>
        <dt>Redirect URIs</dt>
        <dd>{client.redirectUris.length > 0 ? client.redirectUris.map((uri) => <div key={uri}><code>{uri}</code></div>) : '—'}</dd>
        <dt>Post-logout redirect URIs</dt>
        <dd>{client.postLogoutRedirectUris.length > 0 ? client.postLogoutRedirectUris.map((uri) => <div key={uri}><code>{uri}</code></div>) : '—'}</dd>
        <dt>Scopes</dt>
        <dd>{client.scopes.join(' ') || '—'}</dd>
        <dt>Access token lifetime</dt>
        <dd>{formatDuration(client.accessTokenTtl)}</dd>
        <dt>Refresh token lifetime</dt>
        <dd>{formatDuration(client.refreshTokenTtl)}</dd>
        <dt>APIs it may ask for</dt>
        <dd>{client.allowedResources === null ? 'Any API' : client.allowedResources.map((uri) => <div key={uri}><code>{uri}</code></div>)}</dd>
        {client.resource !== null && (
          <>
            <dt>API it introspects for</dt>
            <dd><code>{client.resource}</code></dd>
          </>
        )}
      </dl>
    );
  }
  return (
    <ClientForm
      key={client.updatedAt}
      initial={clientToForm(client)}
      submitLabel="Save changes"
      pending={update.isPending}
      error={update.error}
      lockAuthMethod={client.tokenEndpointAuthMethod === 'none'}
      onSubmit={(body) => {
        const changes = changesOf(client, body);
        if (Object.keys(changes).length === 0) {
          toast.success('Nothing to save: no field changed.');
          return;
        }
        update.mutate({ id: client.id, changes }, { onSuccess: () => toast.success(`Client ${client.name} saved.`) });
      }}
    />
  );
}

function Secret({ client }: { client: Client }) {
  const rotate = useRotateClientSecret();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  if (client.tokenEndpointAuthMethod === 'none') return <p>A public client has no secret.</p>;
  return (
    <>
      {secret && <SecretBox label="Client secret" value={secret} onDone={() => setSecret(null)} />}
      <p>Rotating makes a new secret and the current one stops working at once.</p>
      <button type="button" onClick={() => setConfirming(true)} disabled={client.status === 'revoked' || client.system}>
        Rotate secret
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Rotate the secret of ${client.name}?`}
        confirmLabel="Rotate secret"
        destructive
        pending={rotate.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          rotate.mutate(client.id, {
            onSuccess: (result) => {
              setConfirming(false);
              setSecret(result.clientSecret);
              toast.success('New secret created. Copy it now.');
            },
            onError: (error) => {
              setConfirming(false);
              toast.error(`Could not rotate the secret: ${errorMessage(error)}`);
            },
          })
        }
      >
        <p>The current secret stops working immediately: every application using it fails to get tokens until it is given the new one.</p>
      </ConfirmDialog>
    </>
  );
}

function Revoke({ client }: { client: Client }) {
  const revoke = useRevokeClient();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  if (client.status === 'revoked') return <p>Revoked {formatDateTime(client.revokedAt)}.</p>;
  if (client.system) return <p>This is Tollgate&rsquo;s own console client: it cannot be revoked here.</p>;
  return (
    <>
      <p>Revoking stops the client for good. It stays listed as revoked.</p>
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Revoke client
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Revoke ${client.name}?`}
        confirmLabel="Revoke client"
        destructive
        pending={revoke.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          revoke.mutate(client.id, {
            onSuccess: () => {
              setConfirming(false);
              toast.success(`Client ${client.name} revoked, with its tokens, codes and consents.`);
            },
            onError: (error) => {
              setConfirming(false);
              toast.error(`Could not revoke the client: ${errorMessage(error)}`);
            },
          })
        }
      >
        <p>In the same step this also revokes:</p>
        <ul>
          <li>every access and refresh token issued to it,</li>
          <li>its unused authorization codes,</li>
          <li>every user&rsquo;s consent to it.</li>
        </ul>
        <p>This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}

/** One client: how it was registered and its metadata, its registration to edit, its secret to rotate, and revocation. */
export function ClientPage() {
  const { id = '' } = useParams();
  const client = useClient(id);

  if (client.isPending) return <Loading label="Loading the client…" />;
  if (client.isError) {
    return (
      <>
        <PageHeader title="Client" />
        <ErrorMessage error={client.error} title="Could not load this client" onRetry={() => void client.refetch()} />
        <p>
          <Link to={toClients()}>Back to clients</Link>
        </p>
      </>
    );
  }
  const c = client.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to={toClients()}>Clients</Link>
      </p>
      <PageHeader
        title={c.name}
        description={
          <>
            <Badge tone={c.status === 'active' ? 'ok' : 'muted'}>{c.status}</Badge> {c.system && <Badge tone="info">system</Badge>}
            <RegistrationBadge client={c} />
          </>
        }
      />
      <section className="card" aria-labelledby="client-overview">
        <h2 id="client-overview">Overview</h2>
        <dl className="details">
          <dt>Client ID</dt>
          <dd>
            <code>{c.id}</code>
          </dd>
          <dt>Type</dt>
          <dd>{c.tokenEndpointAuthMethod === 'none' ? 'Public' : `Confidential (${c.tokenEndpointAuthMethod})`}</dd>
          <dt>Registered</dt>
          <dd>
            <HowRegistered client={c} />
          </dd>
          <dt>Created</dt>
          <dd>{formatDateTime(c.createdAt)}</dd>
          <dt>Updated</dt>
          <dd>{formatDateTime(c.updatedAt)}</dd>
        </dl>
        <p className="links">
          <Link to={toTokens({ clientId: c.id })}>Active tokens</Link>
          <Link to={toConsents({ clientId: c.id })}>Consents</Link>
          <Link to={toAudit({ target: c.id })}>Audit log</Link>
        </p>
      </section>
      <section className="card" aria-labelledby="client-metadata">
        <h2 id="client-metadata">Metadata</h2>
        <ClientMetadata client={c} />
      </section>
      <section className="card" aria-labelledby="client-settings">
        <h2 id="client-settings">Settings</h2>
        <Settings client={c} />
      </section>
      <section className="card" aria-labelledby="client-secret">
        <h2 id="client-secret">Secret</h2>
        <Secret client={c} />
      </section>
      <section className="card danger-zone" aria-labelledby="client-revoke">
        <h2 id="client-revoke">Revoke</h2>
        <Revoke client={c} />
      </section>
    </>
  );
}
