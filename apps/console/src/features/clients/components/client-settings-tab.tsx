import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ConfirmDialog } from '../../../components/dialog';
import { SecretBox } from '../../../components/secret-box';
import { errorMessage } from '../../../lib/api/errors';
import type { Client, UpdateClientRequest } from '../../../lib/contract';
import { formatDateTime, formatDuration } from '../../../lib/format';
import { toClients } from '../../../lib/links';
import { useToast } from '../../../lib/toast';
import { useDeleteClient } from '../api/delete-client';
import { useRevokeClient } from '../api/revoke-client';
import { useUpdateClient } from '../api/update-client';
import { ClientForm, clientToForm, type ClientFormBody } from './client-form';
import { ClientMetadata } from './registration-details';

/** The fields of `next` that differ from the client's registration. */
function changesOf(client: Client, next: ClientFormBody): UpdateClientRequest {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify(client[key as keyof Client])) changes[key] = value;
  }
  return changes as UpdateClientRequest;
}

function ReadOnlySettings({ client }: { client: Client }) {
  return (
    <dl className="details">
      <dt>Grant types</dt>
      <dd>{client.grantTypes.join(', ') || '—'}</dd>
      <dt>Redirect URIs</dt>
      <dd>{client.redirectUris.length > 0 ? client.redirectUris.map((uri) => <div key={uri}><code>{uri}</code></div>) : '—'}</dd>
      <dt>Post-logout redirect URIs</dt>
      <dd>{client.postLogoutRedirectUris.length > 0 ? client.postLogoutRedirectUris.map((uri) => <div key={uri}><code>{uri}</code></div>) : '—'}</dd>
      <dt>Back-channel logout URI</dt>
      <dd>{client.backchannelLogoutUri ? <code>{client.backchannelLogoutUri}</code> : '—'}</dd>
      <dt>Scopes</dt>
      <dd>{client.scopes.join(' ') || '—'}</dd>
      <dt>Access token lifetime</dt>
      <dd>{formatDuration(client.accessTokenTtl)}</dd>
      <dt>Refresh token lifetime</dt>
      <dd>{formatDuration(client.refreshTokenTtl)}</dd>
      {client.grantTypes.includes('authorization_code') && (
        <>
          <dt>Pushed authorization requests</dt>
          <dd>{client.requirePushedAuthorizationRequests ? 'Required' : 'Optional'}</dd>
        </>
      )}
      <dt>APIs it may ask for</dt>
      <dd>{client.allowedResources === null ? 'Any API' : client.allowedResources.length > 0 ? client.allowedResources.map((uri) => <div key={uri}><code>{uri}</code></div>) : 'None'}</dd>
      {client.resource !== null && (
        <>
          <dt>API it introspects for</dt>
          <dd><code>{client.resource}</code></dd>
        </>
      )}
      <dt>DPoP</dt>
      <dd>{client.dpopBoundAccessTokens ? 'Required: every token is bound to the client\'s key' : 'Optional'}</dd>
    </dl>
  );
}

/** What a saved change did to the client's secret, for the toast. */
function savedMessage(before: Client, after: Client): string {
  if (before.hasSecret && !after.hasSecret) return `Client ${after.name} saved. Its secret was deleted: it now authenticates with JWTs signed by its keys.`;
  if (!before.hasSecret && after.hasSecret) return `Client ${after.name} saved with a new secret. Copy it now: it is not shown again.`;
  return `Client ${after.name} saved.`;
}

function Settings({ client }: { client: Client }) {
  const update = useUpdateClient();
  const toast = useToast();
  const [secret, setSecret] = useState<string | null>(null);
  if (client.system || client.status === 'revoked') return <ReadOnlySettings client={client} />;
  return (
    <>
    {secret && <SecretBox label="New client secret" value={secret} onDone={() => setSecret(null)} />}
    <ClientForm
      key={client.updatedAt}
      initial={clientToForm(client)}
      clientId={client.id}
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
        update.mutate({ id: client.id, changes }, {
          onSuccess: ({ clientSecret, ...saved }) => {
            if (clientSecret) setSecret(clientSecret);
            toast.success(savedMessage(client, saved));
          },
        });
      }}
    />
    </>
  );
}

function Revoke({ client }: { client: Client }) {
  const revoke = useRevokeClient();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <p>Revoking stops the client for good. It stays listed as revoked until you delete it.</p>
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
          // The promise, not mutate's callbacks: this section gives way to Delete as soon as the client reads revoked.
          void revoke.mutateAsync(client.id).then(
            () => {
              setConfirming(false);
              toast.success(`Client ${client.name} revoked, with its tokens, codes and consents.`);
            },
            (error: unknown) => {
              setConfirming(false);
              toast.error(`Could not revoke the client: ${errorMessage(error)}`);
            },
          )
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

function Delete({ client }: { client: Client }) {
  const remove = useDeleteClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <p>Revoked {formatDateTime(client.revokedAt)}. Deleting removes it from the lists for good; the audit log keeps its entries.</p>
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Delete client
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Delete ${client.name}?`}
        confirmLabel="Delete client"
        destructive
        pending={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          void remove.mutateAsync(client.id).then(
            () => {
              toast.success(`Client ${client.name} deleted.`);
              void navigate(toClients());
            },
            (error: unknown) => {
              setConfirming(false);
              toast.error(`Could not delete the client: ${errorMessage(error)}`);
            },
          )
        }
      >
        <p>
          The client, its revoked tokens and its consents are removed from the database. Its id <code>{client.id}</code> is never given to
          another client. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}

/** The Settings tab: the client's metadata, its registration to edit, and revocation or deletion. */
export function ClientSettingsTab({ client }: { client: Client }) {
  return (
    <>
      <section className="card" aria-labelledby="client-settings">
        <h2 id="client-settings">Settings</h2>
        <Settings client={client} />
      </section>
      <section className="card" aria-labelledby="client-metadata">
        <h2 id="client-metadata">Metadata</h2>
        <ClientMetadata client={client} />
      </section>
      <section className="card danger-zone" aria-labelledby="client-danger">
        <h2 id="client-danger">{client.status === 'revoked' ? 'Delete' : 'Revoke'}</h2>
        {client.system ? (
          <p>This is Tollgate&rsquo;s own console client: it cannot be revoked or deleted here.</p>
        ) : client.status === 'revoked' ? (
          <Delete client={client} />
        ) : (
          <Revoke client={client} />
        )}
      </section>
    </>
  );
}
