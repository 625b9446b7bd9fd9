export { bearerAuth, requireScope, type BearerAuthOptions } from './middleware.js';
export {
  protectedResourceMetadata,
  resourceMetadataUrl,
  type ProtectedResourceMetadataDocument,
  type ProtectedResourceOptions,
  type ResourceMetadataOptions,
} from './metadata.js';
export {
  TokenVerifier,
  type BearerAuth,
  type FetchLike,
  type IntrospectionOptions,
  type JwtOptions,
  type VerifierOptions,
} from './verifier.js';
export {
  accessTokenHash, checkDpopProof, DEFAULT_DPOP_ALGORITHMS, DpopProofError, MemoryReplayCache, type DpopOptions, type DpopReplayCache,
} from './dpop.js';
export { BearerError, InvalidTokenError, VerificationUnavailableError, type BearerErrorCode } from './errors.js';
