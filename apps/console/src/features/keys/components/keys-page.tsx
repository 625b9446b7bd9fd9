import { useState } from 'react';
import { ConfirmDialog } from '../../../components/dialog';
import { Badge, EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { errorMessage } from '../../../lib/api/errors';
import { formatDateTime } from '../../../lib/format';
import { useToast } from '../../../lib/toast';
import { useKeys } from '../api/list-keys';
import { useRotateKeys } from '../api/rotate-keys';

/** How long ago `iso` was, in the largest whole unit: "3 days", "5 hours", "under a minute". */
export function age(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  for (const [unit, size] of [['day', 86400], ['hour', 3600], ['minute', 60]] as const) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return `${count} ${unit}${count === 1 ? '' : 's'}`;
  }
  return 'under a minute';
}

/** The ID token signing keys: algorithm, age and state of each, and a rotation behind a confirmation. */
export function KeysPage() {
  const keys = useKeys();
  const rotate = useRotateKeys();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);

  return (
    <>
      <PageHeader
        title="Signing keys"
        description="The keys that sign ID tokens. Relying parties fetch them from the JWKS to check signatures."
        actions={
          <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={keys.isPending}>
            Rotate keys
          </button>
        }
      />
      {keys.isPending ? (
        <Loading label="Loading the keys…" />
      ) : keys.isError ? (
        <ErrorMessage error={keys.error} title="Could not load the keys" onRetry={() => void keys.refetch()} />
      ) : keys.data.items.length === 0 ? (
        <EmptyState title="No signing keys">
          <p>The server makes one per algorithm when it starts.</p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Key ID</th>
                  <th scope="col">Algorithm</th>
                  <th scope="col">State</th>
                  <th scope="col">Created</th>
                  <th scope="col">Age</th>
                </tr>
              </thead>
              <tbody>
                {keys.data.items.map((key) => (
                  <tr key={key.kid}>
                    <td><code className="kid" title={key.kid}>{key.kid}</code></td>
                    <td>{key.algorithm}</td>
                    <td>
                      {key.status === 'active' ? (
                        <Badge tone="ok">signing</Badge>
                      ) : (
                        <>
                          <Badge tone="muted">retired</Badge>{' '}
                          <span className="muted">published until {formatDateTime(key.publishedUntil)}</span>
                        </>
                      )}
                    </td>
                    <td className="nowrap">{formatDateTime(key.createdAt)}</td>
                    <td className="nowrap">{age(key.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted">
            Published at <a href={keys.data.jwksUri}><code>{keys.data.jwksUri}</code></a>.
          </p>
        </>
      )}
      <ConfirmDialog
        open={confirming}
        title="Rotate the signing keys?"
        confirmLabel="Rotate keys"
        destructive
        pending={rotate.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          rotate.mutate(undefined, {
            onSuccess: (result) => {
              setConfirming(false);
              toast.success(`New signing keys made; ${result.retired.length} retired.`);
            },
            onError: (error) => {
              setConfirming(false);
              toast.error(`Could not rotate the keys: ${errorMessage(error)}`);
            },
          })
        }
      >
        <p>A new key is made for each algorithm, and every server process signs with it within a minute.</p>
        <p>
          The current keys stop signing but stay published until the ID tokens they signed have expired, so nothing already issued stops
          verifying. Relying parties that cache the key set fetch it again when they meet the new key id.
        </p>
      </ConfirmDialog>
    </>
  );
}
