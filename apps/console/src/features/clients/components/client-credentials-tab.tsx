import { useEffect, useId, useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../../components/dialog';
import { SecretBox } from '../../../components/secret-box';
import { errorMessage, fieldErrorsByPath, sentence } from '../../../lib/api/errors';
import type { Client } from '../../../lib/contract';
import { useCopy } from '../../../lib/use-copy';
import { useToast } from '../../../lib/toast';
import { useRotateClientSecret } from '../api/rotate-client-secret';
import { useUpdateClient } from '../api/update-client';
import { describeKey, keySetForm, keySetRequest, thumbprint, type Jwk } from './key-set';
import { KeySetFields } from './key-set-fields';

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

/** One registered key: its id, type, algorithm and RFC 7638 thumbprint (worked out in the browser). */
function KeyRow({ jwk }: { jwk: Jwk }) {
  const [print, setPrint] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void thumbprint(jwk).then((value) => live && setPrint(value), () => live && setPrint(null));
    return () => {
      live = false;
    };
  }, [jwk]);
  const { kid, type, alg } = describeKey(jwk);
  return (
    <tr>
      <td><code>{kid}</code></td>
      <td>{type}</td>
      <td>{alg}</td>
      <td className="thumbprint">{print ? <code>{print}</code> : <span className="muted">—</span>}</td>
    </tr>
  );
}

/** The client's public keys: the URL they are fetched from, or those given inline, listed. */
function KeyList({ client }: { client: Client }) {
  if (client.jwksUri) {
    return (
      <p>
        Fetched from <code>{client.jwksUri}</code> when the client authenticates (kept for the URL&rsquo;s Cache-Control, fetched again for a key id it does not
        know).
      </p>
    );
  }
  if (!client.jwks) return <p>None registered.</p>;
  return (
    <div className="table-wrap">
      <table className="table compact">
        <caption className="visually-hidden">Registered public keys</caption>
        <thead>
          <tr>
            <th scope="col">Key id</th>
            <th scope="col">Type</th>
            <th scope="col">Algorithm</th>
            <th scope="col">Thumbprint (SHA-256)</th>
          </tr>
        </thead>
        <tbody>
          {client.jwks.keys.map((jwk, index) => <KeyRow key={index} jwk={jwk} />)}
        </tbody>
      </table>
    </div>
  );
}

/** Replace keys: a new key set (or URL), saved as a change to the client, audited as any other. */
function ReplaceKeys({ client, onDone }: { client: Client; onDone(): void }) {
  const update = useUpdateClient();
  const toast = useToast();
  const idPrefix = useId();
  const [values, setValues] = useState(() => keySetForm(client));
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const serverErrors = update.error ? fieldErrorsByPath(update.error) : {};
  const errors = Object.keys(localErrors).length > 0 ? localErrors : serverErrors;
  const message = (key: string) => Object.entries(errors).filter(([path]) => path === key || path.startsWith(`${key}.`)).map(([, text]) => sentence(text)).join(' ') || undefined;
  const other = Object.entries(errors).filter(([path]) => !/^jwks(Uri)?(\.|$)/.test(path));

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = keySetRequest(values);
    if ('errors' in result) {
      setLocalErrors(result.errors);
      return;
    }
    setLocalErrors({});
    update.mutate({ id: client.id, changes: result.fields }, {
      onSuccess: () => {
        toast.success(`Keys of ${client.name} replaced: JWTs signed by other keys are refused from now on.`);
        onDone();
      },
    });
  }

  return (
    <form className="form inline-form" onSubmit={submit} noValidate aria-label="Replace keys">
      <KeySetFields
        idPrefix={idPrefix}
        legend="New public keys"
        {...values}
        errors={{ jwks: message('jwks'), jwksUri: message('jwksUri') }}
        onChange={(change) => setValues((v) => ({ ...v, ...change }))}
      />
      {(other.length > 0 || (update.error && Object.keys(serverErrors).length === 0)) && (
        <p className="field-error" role="alert">{other.length > 0 ? other.map(([, text]) => sentence(text)).join(' ') : sentence(errorMessage(update.error))}</p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save keys'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A private_key_jwt client's keys, its signing algorithm, and the way to replace them. */
function Keys({ client }: { client: Client }) {
  const [replacing, setReplacing] = useState(false);
  const changeable = client.status === 'active' && !client.system;
  return (
    <>
      <KeyList client={client} />
      {client.tokenEndpointAuthMethod === 'private_key_jwt' && changeable && !replacing && (
        <button type="button" onClick={() => setReplacing(true)}>
          {client.jwksUri ? 'Change key set URL' : 'Replace keys'}
        </button>
      )}
      {replacing && <ReplaceKeys client={client} onDone={() => setReplacing(false)} />}
    </>
  );
}

/** The Credentials tab: the client id, how the client authenticates, its keys, and its secret to rotate. */
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
        {client.tokenEndpointAuthMethod === 'private_key_jwt' && (
          <>
            <dt>Assertion signing algorithm</dt>
            <dd>{client.tokenEndpointAuthSigningAlg ?? 'Any that Tollgate accepts (RS, PS and ES families, EdDSA)'}</dd>
          </>
        )}
      </dl>
      <h3>Public keys</h3>
      <Keys client={client} />
      <h3>Secret</h3>
      <Secret client={client} />
    </section>
  );
}
