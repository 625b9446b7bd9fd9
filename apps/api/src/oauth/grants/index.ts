import type { GrantType } from '../../storage/types.js';
import type { TokenIssuer } from '../tokens/issue.js';
import { clientCredentialsGrant } from './client-credentials.js';
import type { Grant } from './grant.js';

/** Every grant the token endpoint serves, by `grant_type`. Adding a grant is adding a file here. */
export function grantRegistry(issuer: TokenIssuer): ReadonlyMap<GrantType, Grant> {
  const grants = [clientCredentialsGrant(issuer)];
  return new Map(grants.map((g) => [g.grantType, g]));
}
