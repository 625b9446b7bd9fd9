export {
  FAKE_ACCESS_TOKEN,
  TokenAgent,
  type AccessToken,
  type ClientAuthMethod,
  type ExchangedToken,
  type FetchLike,
  type TokenAgentOptions,
  type TokenExchangeOptions,
  type TokenRequestOptions,
} from './agent.js';
export type { DpopKeyPair } from './dpop.js';
export {
  DiscoveryError,
  InvalidResponseError,
  NetworkError,
  TokenAgentError,
  TokenRequestError,
  UnauthorizedError,
  type OAuthErrorFields,
  type TokenAgentErrorCode,
} from './errors.js';
export { configureTokenAgent, resetSharedTokenAgent, sharedTokenAgent } from './shared.js';
export {
  DEVICE_CODE_GRANT_TYPE,
  deviceLogin,
  startDeviceAuthorization,
  type DeviceAuthorization,
  type DeviceCode,
  type DeviceFlowOptions,
  type DeviceTokens,
} from './device.js';
