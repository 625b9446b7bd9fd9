export { bearerAuth, requireScope, type BearerAuthOptions } from './middleware.js';
export {
  TokenVerifier,
  type BearerAuth,
  type FetchLike,
  type IntrospectionOptions,
  type JwtOptions,
  type VerifierOptions,
} from './verifier.js';
export { BearerError, InvalidTokenError, VerificationUnavailableError, type BearerErrorCode } from './errors.js';
