import { Badge } from '../../../components/states';
import type { Client } from '../../../lib/contract';

/** The badge of a client that registered itself or is described by its metadata document; none for an administrator's. */
export function RegistrationBadge({ client }: { client: Client }) {
  if (client.registration.kind === 'dynamic') return <Badge tone="info">Self-registered</Badge>;
  if (client.registration.kind === 'metadata_document') return <Badge tone="info">Metadata document</Badge>;
  return null;
}
