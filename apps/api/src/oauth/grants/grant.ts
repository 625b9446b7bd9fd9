import type { Client, GrantType } from '../../storage/types.js';
import type { OAuthRequest } from '../http/oauth-request.js';
import type { TokenResponseBody } from '../tokens/issue.js';

/** One grant type at the token endpoint: the client is authenticated and allowed this grant. */
export interface Grant {
  grantType: GrantType;
  handle(client: Client, req: OAuthRequest): Promise<TokenResponseBody>;
}
