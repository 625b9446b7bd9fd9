import { useState, type FormEvent } from 'react';
import { FormError, TextField } from '../../../components/fields';
import { Badge, EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { errorMessage, fieldErrors } from '../../../lib/api/errors';
import { useScopes } from '../../../lib/api/list-scopes';
import type { Scope } from '../../../lib/contract';
import { useToast } from '../../../lib/toast';
import { useCreateScope } from '../api/create-scope';
import { useUpdateScope } from '../api/update-scope';

function CreateScopeForm() {
  const create = useCreateScope();
  const toast = useToast();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const errors = fieldErrors(create.error);
  const formMessage = create.error && !errors.name && !errors.description ? errorMessage(create.error) : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), description },
      {
        onSuccess: (scope) => {
          toast.success(`Scope ${scope.name} created.`);
          setName('');
          setDescription('');
        },
      },
    );
  }

  return (
    <form className="form inline-form" onSubmit={submit} noValidate aria-labelledby="new-scope">
      <h2 id="new-scope">New scope</h2>
      <FormError message={formMessage} />
      <TextField label="Name" hint="Such as read or invoices:write; no spaces." value={name} onChange={(e) => setName(e.target.value)} error={errors.name} autoComplete="off" />
      <TextField label="Description" hint="Users read this on the consent page." value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create scope'}
        </button>
      </div>
    </form>
  );
}

function ScopeRow({ scope }: { scope: Scope }) {
  const update = useUpdateScope();
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [description, setDescription] = useState(scope.description);
  const error = fieldErrors(update.error).description ?? (update.error ? errorMessage(update.error) : undefined);

  function save(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      { name: scope.name, body: { description } },
      {
        onSuccess: () => {
          setEditing(false);
          toast.success(`Scope ${scope.name} saved.`);
        },
      },
    );
  }

  return (
    <tr>
      <td>
        <code>{scope.name}</code> {scope.builtIn && <Badge tone="info">built-in</Badge>}
      </td>
      <td>
        {editing ? (
          <form className="row-form" onSubmit={save}>
            <TextField label={`Description of ${scope.name}`} value={description} onChange={(e) => setDescription(e.target.value)} error={error} autoFocus />
            <button type="submit" className="primary small" disabled={update.isPending}>
              Save
            </button>
            <button type="button" className="small" onClick={() => { setEditing(false); setDescription(scope.description); update.reset(); }}>
              Cancel
            </button>
          </form>
        ) : (
          scope.description
        )}
      </td>
      <td>
        {!editing && (
          <button type="button" className="small" onClick={() => setEditing(true)} aria-label={`Edit ${scope.name}`}>
            Edit
          </button>
        )}
      </td>
    </tr>
  );
}

/** Scopes: what clients may ask for and what users read on the consent page. */
export function ScopesPage() {
  const scopes = useScopes();
  return (
    <>
      <PageHeader title="Scopes" description="What clients may ask for; the description is what users read on the consent page." />
      {scopes.isPending ? (
        <Loading label="Loading scopes…" />
      ) : scopes.isError ? (
        <ErrorMessage error={scopes.error} title="Could not load the scopes" onRetry={() => void scopes.refetch()} />
      ) : scopes.data.items.length === 0 ? (
        <EmptyState title="No scopes yet" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Scopes</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {scopes.data.items.map((scope) => (
                <ScopeRow key={scope.name} scope={scope} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateScopeForm />
    </>
  );
}
