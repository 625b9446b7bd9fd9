/** Stable codes callers can switch on, one per error class. */
export type BearerErrorCode = 'invalid_token' | 'verification_unavailable';

/** Base class of the errors a {@link TokenVerifier} throws. */
export class BearerError extends Error {
  /** What went wrong, stable across versions. */
  readonly code: BearerErrorCode;
  /** The HTTP status a server should answer with. */
  readonly status: number;

  constructor(code: BearerErrorCode, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
  }
}

/**
 * The token is not (or no longer) valid: unknown, expired, revoked, for
 * another audience, badly signed. The middleware answers 401 `invalid_token`.
 * The message is safe to show; it never holds the token.
 */
export class InvalidTokenError extends BearerError {
  constructor(message = 'The access token is invalid, expired or revoked.', options?: { cause?: unknown }) {
    super('invalid_token', 401, message, options);
  }
}

/**
 * The token could not be checked: the introspection endpoint, the JWKS or the
 * metadata could not be reached or answered something unusable (including a
 * 401 because the resource server's own credentials are wrong). The
 * middleware passes it to `next()`; Express answers 503 unless your error
 * handler says otherwise. `expose` is false: the message is for the log.
 */
export class VerificationUnavailableError extends BearerError {
  /** Tells Express's default error handler not to show the message. */
  readonly expose = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super('verification_unavailable', 503, message, options);
  }
}
