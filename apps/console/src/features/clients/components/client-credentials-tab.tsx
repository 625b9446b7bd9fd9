import { useState } from 'react';
import { ConfirmDialog } from '../../../components/dialog';
import { SecretBox } from '../../../components/secret-box';
import { errorMessage } from '../../../lib/api/errors';
import type { Client } from '../../../lib/contract';
import { useCopy } from '../../../lib/use-copy';
import { useToast } from '../../../lib/toast';
import { useRotateClientSecret } from '../api/rotate-client-secret';

const METHODS: Record<Client['tokenEndpointAuthMethod'], string> = {
  client_secret_basic: 'The secret in HTTP Basic authentication (client_secret_basic).',
  client_secret_post: 'The secret in the body of the token request (client_secret_post).',
  private_key_jwt: 'A JWT it signs with one of its registered keys (private_key_jwt, RFC 7523): it has no secret.',
  none: 'None: a public client has no secret and proves each sign-in with PKCE.',
};

function ClientId({ id }: { id: string }) {
  const { copy, status } = useCopy(id);
  return (
    <div className="secret-row">
      <code className="secret-value">{id}</code>
      <button type="button" className="small" onClick={() => void copy()} aria-label="Copy the client ID">
        Copy
      </button>
      <span role="status" className="muted">
        {status}
      </span>
    </div>
  );
}

function Secret({ client }: { client: Client }) {
  const rotate = useRotateClientSecret();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  if (client.tokenEndpointAuthMethod === 'none') return <p>A public client has no secret.</p>;
  if (client.tokenEndpointAuthMethod === 'private_key_jwt') return <p>This client has no secret: it signs its requests with its registered keys.</p>;
  return (
    <>
      {secret && <SecretBox label="Client secret" value={secret} onDone={() => setSecret(null)} />}
      <p>The secret was shown once, when it was made; only its hash is kept. Rotating makes a new secret and the current one stops working at once.</p>
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

/** The Credentials tab: the client id, how the client authenticates, and its secret to rotate. */
export function ClientCredentialsTab({ client }: { client: Client }) {
  return (
    <section className="card" aria-labelledby="client-credentials">
      <h2 id="client-credentials">Credentials</h2>
      <dl className="details">
        <dt>Client ID</dt>
        <dd>
          <ClientId id={client.id} />
        </dd>
        <dt>Authentication</dt>
        <dd>{METHODS[client.tokenEndpointAuthMethod]}</dd>
        <dt>Public keys</dt>
        <dd>{client.jwksUri ? <>From <code>{client.jwksUri}</code></> : client.jwks ? `Given inline (${client.jwks.keys.length})` : 'None registered.'}</dd>
      </dl>
      <h3>Secret</h3>
      <Secret client={client} />
    </section>
  );
}
