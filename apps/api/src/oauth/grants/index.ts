import type { GrantType, Storage, User } from '../../storage/types.js';
import type { IdTokens } from '../tokens/id-token.js';
import type { TokenIssuer } from '../tokens/issue.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { deviceCodeGrant } from './device-code.js';
import type { Grant } from './grant.js';
import { refreshTokenGrant } from './refresh-token.js';

export interface GrantDeps {
  storage: Storage;
  issuer: TokenIssuer;
  idTokens: IdTokens;
  /** `REFRESH_TOKEN_REUSE_GRACE` in seconds (see refreshTokenGrant). */
  refreshTokenReuseGraceSeconds?: number;
  /**
   * The password grant's user check when a host application keeps the users
   * (createTollgate's `authenticate`, issue 22): the user, or null for a wrong
   * user name or password. Absent: the grant checks Tollgate's own users.
   */
  authenticateUser?: (username: string, password: string) => Promise<User | null>;
}

/** Every grant the token endpoint serves, by `grant_type`. Adding a grant is adding a file here. */
export function grantRegistry(deps: GrantDeps): ReadonlyMap<GrantType, Grant> {
  const grants = [
    authorizationCodeGrant(deps), clientCredentialsGrant(deps.issuer), refreshTokenGrant({ ...deps, reuseGraceSeconds: deps.refreshTokenReuseGraceSeconds }), deviceCodeGrant(deps),
  ];
  return new Map(grants.map((g) => [g.grantType, g]));
}
