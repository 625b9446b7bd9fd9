import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ConfirmDialog } from '../../../components/dialog';
import { Badge, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { errorMessage } from '../../../lib/api/errors';
import type { Resource, UpdateResourceRequest } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { toAudit, toClient, toResources } from '../../../lib/links';
import { useToast } from '../../../lib/toast';
import { useDeleteResource } from '../api/delete-resource';
import { useApiClients, type ApiClientsQuery } from '../api/list-api-clients';
import { useResource } from '../api/get-resource';
import { useUpdateResource } from '../api/update-resource';
import { ResourceForm, resourceToForm, type ResourceFormBody } from './resource-form';

/** The fields of `next` that differ from the API as stored. */
function changesOf(resource: Resource, next: ResourceFormBody): UpdateResourceRequest {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify(resource[key as keyof Resource])) changes[key] = value;
  }
  return changes as UpdateResourceRequest;
}

function Delete({ resource }: { resource: Resource }) {
  const remove = useDeleteResource();
  const toast = useToast();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <p>Deleting an API makes clients unable to ask for it. Tokens already issued for it stay valid until they expire.</p>
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Delete API
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Delete ${resource.name}?`}
        confirmLabel="Delete API"
        destructive
        pending={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(resource.id, {
            onSuccess: () => {
              setConfirming(false);
              toast.success(`API ${resource.name} deleted.`);
              void navigate(toResources());
            },
            onError: (error) => {
              setConfirming(false);
              toast.error(`Could not delete the API: ${errorMessage(error)}`);
            },
          })
        }
      >
        <p>
          Clients will no longer get tokens for <code>{resource.identifier}</code>, and clients restricted to a list of APIs lose it from their list.
        </p>
        {resource.clientIds.length > 0 && <p>Its resource-server clients must be unlinked or revoked first.</p>}
        <p>This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}

/** A short list of the active clients `query` names, linked to their pages. */
function ApiClients({ query, empty, more }: { query: ApiClientsQuery; empty: string; more: string }) {
  const clients = useApiClients(query);
  if (clients.isPending) return <Loading label="Loading clients…" />;
  if (clients.isError) return <ErrorMessage error={clients.error} title="Could not load the clients" onRetry={() => void clients.refetch()} />;
  if (clients.data.items.length === 0) return <p className="muted">{empty}</p>;
  return (
    <>
      <ul>
        {clients.data.items.map((client) => (
          <li key={client.id}>
            <Link to={toClient({ id: client.id })}>
              <bdi>{client.name}</bdi>
            </Link>{' '}
            <span className="muted">{client.allowedResources === null && !query.resource ? 'any API' : null}</span>
          </li>
        ))}
      </ul>
      {clients.data.nextCursor !== null && <p className="muted">{more}</p>}
    </>
  );
}

/** One API: its settings, the resource servers linked to it, and deletion. */
export function ResourcePage() {
  const { id = '' } = useParams();
  const resource = useResource(id);
  const update = useUpdateResource();
  const toast = useToast();

  if (resource.isPending) return <Loading label="Loading the API…" />;
  if (resource.isError) {
    return (
      <>
        <PageHeader title="API" />
        <ErrorMessage error={resource.error} title="Could not load this API" onRetry={() => void resource.refetch()} />
        <p>
          <Link to={toResources()}>Back to APIs</Link>
        </p>
      </>
    );
  }
  const api = resource.data;
  return (
    <>
      <PageHeader
        title={api.name}
        description={
          <>
            <code className="break-all">{api.identifier}</code> {api.isDefault && <Badge tone="info">default</Badge>}
          </>
        }
        actions={
          <Link className="button" to={toResources()}>
            All APIs
          </Link>
        }
      />
      <section className="card" aria-labelledby="api-settings">
        <h2 id="api-settings">Settings</h2>
        <ResourceForm
          key={api.updatedAt}
          initial={resourceToForm(api)}
          submitLabel="Save changes"
          pending={update.isPending}
          error={update.error}
          onSubmit={(body) => {
            const changes = changesOf(api, body);
            if (Object.keys(changes).length === 0) {
              toast.success('Nothing to save: no field changed.');
              return;
            }
            update.mutate({ id: api.id, changes }, { onSuccess: () => toast.success(`API ${api.name} saved.`) });
          }}
        />
      </section>
      <section className="card" aria-labelledby="api-servers">
        <h2 id="api-servers">Resource servers</h2>
        <p className="hint">The clients that introspect this API&rsquo;s tokens: they see only tokens meant for it.</p>
        <ApiClients
          query={{ resource: api.identifier }}
          empty="No client introspects for this API. Link one from a resource server's settings."
          more="And more: the first 20 are shown."
        />
      </section>
      <section className="card" aria-labelledby="api-clients">
        <h2 id="api-clients">Clients that may ask for it</h2>
        <p className="hint">Those restricted to a list of APIs holding this one, and those not restricted (any API).</p>
        <ApiClients query={{ allowedResource: api.identifier }} empty="No active client may ask for this API." more="And more: the first 20 are shown." />
      </section>
      <section className="card danger-zone" aria-labelledby="api-danger">
        <h2 id="api-danger">Delete</h2>
        <Delete resource={api} />
      </section>
      <p className="muted">
        Created {formatDateTime(api.createdAt)}, changed {formatDateTime(api.updatedAt)}. <Link to={toAudit({ target: api.id })}>Its audit entries</Link>
      </p>
    </>
  );
}
