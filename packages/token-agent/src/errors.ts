/** Stable codes callers can switch on, one per error class. */
export type TokenAgentErrorCode =
  | 'unauthorized'
  | 'token_request_failed'
  | 'invalid_response'
  | 'network_error'
  | 'discovery_failed'
  | 'not_configured';

/** Base class of every error the agent throws. */
export class TokenAgentError extends Error {
  /** What went wrong, stable across versions. */
  readonly code: TokenAgentErrorCode;

  constructor(code: TokenAgentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The fields of an RFC 6749 §5.2 error answer, with the HTTP status. */
export interface OAuthErrorFields {
  /** HTTP status of the answer. */
  status: number;
  /** The `error` code, when the body had one. */
  error: string | undefined;
  /** The `error_description`, when the body had one. */
  errorDescription: string | undefined;
}

/**
 * The token endpoint answered with an OAuth error (RFC 6749 §5.2) or an
 * unexpected status. Not retried unless the status was 5xx or 429.
 */
export class TokenRequestError extends TokenAgentError implements OAuthErrorFields {
  readonly status: number;
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;

  constructor(fields: OAuthErrorFields, message?: string, code: TokenAgentErrorCode = 'token_request_failed') {
    super(code, message ?? describe('token request failed', fields));
    this.status = fields.status;
    this.error = fields.error;
    this.errorDescription = fields.errorDescription;
  }
}

/**
 * The server refused the client's credentials: a 401 answer or an
 * `invalid_client` error. Retrying with the same credentials will not help.
 */
export class UnauthorizedError extends TokenRequestError {
  constructor(fields: OAuthErrorFields) {
    super(fields, describe('client authentication failed', fields), 'unauthorized');
  }
}

/** The server answered 200 with something that is not a usable bearer token response. */
export class InvalidResponseError extends TokenAgentError {
  constructor(message: string) {
    super('invalid_response', message);
  }
}

/**
 * The server could not be reached (connection refused, DNS, TLS, timeout),
 * after every retry. `cause` holds the last underlying error.
 */
export class NetworkError extends TokenAgentError {
  /** The URL that could not be reached. */
  readonly url: string;

  constructor(url: string, cause: unknown) {
    super('network_error', `could not reach ${url}: ${reason(cause)}`, { cause });
    this.url = url;
  }
}

/** The issuer's RFC 8414 metadata could not be fetched or did not fit. */
export class DiscoveryError extends TokenAgentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('discovery_failed', message, options);
  }
}

function describe(prefix: string, fields: OAuthErrorFields): string {
  const detail = [fields.error, fields.errorDescription].filter(Boolean).join(': ');
  return `${prefix} (HTTP ${fields.status}${detail ? `, ${detail}` : ''})`;
}

function reason(cause: unknown): string {
  if (cause instanceof Error) {
    if (cause.name === 'TimeoutError') return 'timed out';
    const inner = (cause as { cause?: unknown }).cause;
    if (inner instanceof Error && inner.message) return `${cause.message} (${inner.message})`;
    return cause.message;
  }
  return String(cause);
}
