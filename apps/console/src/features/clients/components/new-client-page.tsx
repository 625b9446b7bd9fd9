import { useState } from 'react';
import { Link } from 'react-router';
import { SecretBox } from '../../../components/secret-box';
import { PageHeader } from '../../../components/states';
import type { ClientWithSecret } from '../../../lib/contract';
import { toClient, toClients } from '../../../lib/links';
import { useToast } from '../../../lib/toast';
import { useCreateClient } from '../api/create-client';
import { ClientForm, emptyClientForm } from './client-form';
import { QuickStart } from './client-quick-start-tab';

/** Registers a client, then shows its secret this once. */
export function NewClientPage() {
  const create = useCreateClient();
  const toast = useToast();
  const [created, setCreated] = useState<ClientWithSecret | null>(null);

  if (created) {
    const { client, clientSecret } = created;
    return (
      <>
        <PageHeader title={`${client.name} is registered`} />
        <dl className="details">
          <dt>Client ID</dt>
          <dd>
            <code>{client.id}</code>
          </dd>
        </dl>
        {clientSecret ? (
          <SecretBox label="Client secret" value={clientSecret} />
        ) : (
          <p>This is a public client: it has no secret, and must use PKCE.</p>
        )}
        <section className="card" aria-labelledby="new-client-quick-start">
          <h2 id="new-client-quick-start">Quick start</h2>
          <p className="muted">Filled in with the new client&rsquo;s id{clientSecret ? ' and secret' : ''}. Its Quick start tab shows them again later{clientSecret ? ', without the secret' : ''}.</p>
          <QuickStart client={client} secret={clientSecret} />
        </section>
        <p className="form-actions">
          <Link className="button primary" to={toClient({ id: client.id })}>
            Go to the client
          </Link>
          <Link className="button" to={toClients()}>
            Back to clients
          </Link>
        </p>
      </>
    );
  }

  return (
    <>
      <PageHeader title="New client" description="Register an application or API: choose what kind it is, and the form shows what applies to it." />
      <ClientForm
        initial={emptyClientForm}
        presets
        submitLabel="Create client"
        pending={create.isPending}
        error={create.error}
        onSubmit={(body) =>
          create.mutate(body, {
            onSuccess: (result) => {
              setCreated(result);
              toast.success(`Client ${result.client.name} created.`);
            },
          })
        }
      >
        <Link className="button" to={toClients()}>
          Cancel
        </Link>
      </ClientForm>
    </>
  );
}
