import { Link, useNavigate } from 'react-router';
import { PageHeader } from '../../../components/states';
import { toResource, toResources } from '../../../lib/links';
import { useToast } from '../../../lib/toast';
import { useCreateResource } from '../api/create-resource';
import { emptyResourceForm, ResourceForm } from './resource-form';

/** Registers an API, then opens it. */
export function NewResourcePage() {
  const create = useCreateResource();
  const toast = useToast();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title="New API" description="A resource server clients ask tokens for with its identifier (RFC 8707)." />
      <ResourceForm
        initial={emptyResourceForm}
        submitLabel="Create API"
        pending={create.isPending}
        error={create.error}
        onSubmit={(body) =>
          create.mutate(body, {
            onSuccess: (resource) => {
              toast.success(`API ${resource.name} created.`);
              void navigate(toResource({ id: resource.id }));
            },
          })
        }
      >
        <Link className="button" to={toResources()}>
          Cancel
        </Link>
      </ResourceForm>
    </>
  );
}
