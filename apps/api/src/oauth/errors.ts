/**
 * One class per OAuth error code (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1).
 * `message` is the public `error_description`; `detail` is for the log only.
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: number = 400;
  /** Extra response headers, such as `WWW-Authenticate` or `Retry-After`. */
  readonly headers: Record<string, string> = {};

  constructor(description: string, readonly detail?: string) {
    super(description);
  }

  get body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

export class InvalidRequest extends OAuthError {
  readonly error = 'invalid_request';
}

export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  override readonly status = 401;

  /** The client id that was presented, for the audit log. */
  readonly clientId: string | undefined;

  /** `basic`: the client tried HTTP Basic, so the answer carries a Basic challenge (RFC 6749 §5.2). */
  constructor(description: string, options: { basic?: boolean; detail?: string; clientId?: string } = {}) {
    super(description, options.detail);
    this.clientId = options.clientId;
    if (options.basic) this.headers['WWW-Authenticate'] = 'Basic realm="tollgate", charset="UTF-8"';
  }
}

export class InvalidGrant extends OAuthError {
  readonly error = 'invalid_grant';
}

export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
}

export class UnsupportedGrantType extends OAuthError {
  readonly error = 'unsupported_grant_type';
}

export class InvalidScope extends OAuthError {
  readonly error = 'invalid_scope';
}

/** RFC 8707 §2: a `resource` that is malformed, unknown, or not for this client or grant. */
export class InvalidTarget extends OAuthError {
  readonly error = 'invalid_target';
}

/* Device authorization grant errors at the token endpoint (RFC 8628 §3.5). */

/** The user has not decided yet: poll again after the interval. */
export class AuthorizationPending extends OAuthError {
  readonly error = 'authorization_pending';
}

/** Polled too soon: the interval of this device code is now `interval` seconds. */
export class SlowDown extends OAuthError {
  readonly error = 'slow_down';

  constructor(readonly interval: number) {
    super(`Polling too fast: wait at least ${interval} seconds between requests.`);
  }

  override get body() {
    return { ...super.body, interval: this.interval };
  }
}

export class ExpiredToken extends OAuthError {
  readonly error = 'expired_token';
}

export class TooManyRequests extends OAuthError {
  readonly error = 'invalid_request';
  override readonly status = 429;

  constructor(description: string, retryAfterSeconds: number) {
    super(description);
    this.headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

/** Bearer token errors (RFC 6750 §3): the challenge goes in `WWW-Authenticate`. */
export class InvalidToken extends OAuthError {
  readonly error = 'invalid_token';
  override readonly status = 401;

  constructor(description: string, realm: string) {
    super(description);
    this.headers['WWW-Authenticate'] = `Bearer realm="${realm}", error="invalid_token", error_description="${description}"`;
  }
}

export class InsufficientScope extends OAuthError {
  readonly error = 'insufficient_scope';
  override readonly status = 403;

  constructor(readonly scope: string, realm: string) {
    super(`This request needs the ${scope} scope.`);
    this.headers['WWW-Authenticate'] = `Bearer realm="${realm}", error="insufficient_scope", scope="${scope}"`;
  }

  override get body() {
    return { ...super.body, scope: this.scope };
  }
}

export class MethodNotAllowed extends OAuthError {
  readonly error = 'invalid_request';
  override readonly status = 405;

  constructor(allowed: string) {
    super(`Use ${allowed} for this endpoint.`);
    this.headers.Allow = allowed;
  }
}

export class PayloadTooLarge extends OAuthError {
  readonly error = 'invalid_request';
  override readonly status = 413;
}

/* Authorization endpoint errors (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6): sent back in the redirect. */

export class UnsupportedResponseType extends OAuthError {
  readonly error = 'unsupported_response_type';
}

export class AccessDenied extends OAuthError {
  readonly error = 'access_denied';
}

export class LoginRequired extends OAuthError {
  readonly error = 'login_required';
}

export class ConsentRequired extends OAuthError {
  readonly error = 'consent_required';
}

export class InteractionRequired extends OAuthError {
  readonly error = 'interaction_required';
}

export class RequestNotSupported extends OAuthError {
  readonly error = 'request_not_supported';
}

export class RequestUriNotSupported extends OAuthError {
  readonly error = 'request_uri_not_supported';
}

export class RegistrationNotSupported extends OAuthError {
  readonly error = 'registration_not_supported';
}

/* Dynamic registration errors (RFC 7591 §3.2.2). */

export class InvalidClientMetadata extends OAuthError {
  readonly error = 'invalid_client_metadata';
}

export class InvalidRedirectUri extends OAuthError {
  readonly error = 'invalid_redirect_uri';
}

/* DPoP (RFC 9449 §5, §7.1, §8). */

/** At the token endpoint: the DPoP proof is missing where required, malformed, or does not verify. */
export class InvalidDpopProof extends OAuthError {
  readonly error = 'invalid_dpop_proof';
}

/** At the token endpoint: the proof lacks the server's current nonce; `DPoP-Nonce` carries a fresh one (§8). */
export class UseDpopNonce extends OAuthError {
  readonly error = 'use_dpop_nonce';

  constructor(description: string, nonce: string, detail?: string) {
    super(description, detail);
    this.headers['DPoP-Nonce'] = nonce;
  }
}

/**
 * At a protected resource (§7.1): 401 with a `DPoP` challenge naming the
 * error and the algorithms proofs may use; `use_dpop_nonce` with a fresh
 * nonce in `DPoP-Nonce` (§9).
 */
export class DpopChallenge extends OAuthError {
  override readonly status = 401;

  constructor(
    readonly error: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce',
    description: string,
    options: { realm: string; algs: readonly string[]; nonce?: string | null },
  ) {
    super(description);
    this.headers['WWW-Authenticate'] = `DPoP realm="${options.realm}", error="${error}", error_description="${description.replace(/["\\]/g, '')}", algs="${options.algs.join(' ')}"`;
    if (options.nonce) this.headers['DPoP-Nonce'] = options.nonce;
  }
}

/** The server could not finish the request (RFC 6749 §4.1.2.1): sent back to the client on a redirect. */
export class ServerError extends OAuthError {
  readonly error = 'server_error';
  override readonly status = 500;
}
