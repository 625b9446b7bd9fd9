import type { Client, GrantType } from '../../storage/types.js';
import type { OAuthRequest } from '../http/oauth-request.js';
import type { ResourceTarget } from '../resources/indicators.js';
import type { TokenResponseBody } from '../tokens/issue.js';

/**
 * One grant type at the token endpoint: the client is authenticated and
 * allowed this grant, and the `resource` parameters are checked; the grant
 * decides whose token it is, which scopes, and asks `target` for its API.
 */
export interface Grant {
  grantType: GrantType;
  handle(client: Client, req: OAuthRequest, target: ResourceTarget): Promise<TokenResponseBody>;
}
