import type { GrantType, Storage } from '../../storage/types.js';
import type { ResourceIndicators } from '../resources/indicators.js';
import type { IdTokens } from '../tokens/id-token.js';
import type { TokenIssuer } from '../tokens/issue.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import type { PasswordSignIn } from '../users/password-sign-in.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { deviceCodeGrant } from './device-code.js';
import type { Grant } from './grant.js';
import type { SecurityProfiles } from '../profile/fapi2.js';
import { passwordGrant } from './password.js';
import { refreshTokenGrant } from './refresh-token.js';
import { tokenExchangeGrant } from './token-exchange.js';

export interface GrantDeps {
  storage: Storage;
  issuer: TokenIssuer;
  idTokens: IdTokens;
  /** `REFRESH_TOKEN_REUSE_GRACE` in seconds (see refreshTokenGrant). */
  refreshTokenReuseGraceSeconds?: number;
  indicators: ResourceIndicators;
  keys: SigningKeys;
  /** The issuer identifier, which our ID tokens carry. */
  issuerId: string;
  signIn: PasswordSignIn;
  /** PASSWORD_GRANT_PUBLIC_CLIENTS. */
  passwordGrantPublicClients: boolean;
  /** Which clients are under the FAPI 2.0 Security Profile. */
  profiles?: SecurityProfiles;
  /** ADMIN_MFA_REQUIRED: the password grant refuses administrators then, as users with a second factor. */
  adminMfaRequired: boolean;
  /** DEVICE_USER_CODE_GUESS_LIMIT (see retireIfOutguessed). */
  deviceUserCodeGuesses: number;
}

/** Every grant the token endpoint serves, by `grant_type`. Adding a grant is adding a file here. */
export function grantRegistry(deps: GrantDeps): ReadonlyMap<GrantType, Grant> {
  const grants = [
    authorizationCodeGrant(deps), clientCredentialsGrant(deps.issuer), refreshTokenGrant({ ...deps, reuseGraceSeconds: deps.refreshTokenReuseGraceSeconds }), deviceCodeGrant({ ...deps, userCodeGuesses: deps.deviceUserCodeGuesses }),
    passwordGrant({ ...deps, publicClients: deps.passwordGrantPublicClients, adminMfaRequired: deps.adminMfaRequired }), tokenExchangeGrant({ ...deps, reuseGraceSeconds: deps.refreshTokenReuseGraceSeconds }),
  ];
  return new Map(grants.map((g) => [g.grantType, g]));
}
