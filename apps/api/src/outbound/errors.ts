/** Why an outbound request failed; stable, for callers to switch on. */
export type OutboundErrorCode =
  | 'invalid_url'
  | 'not_https'
  | 'forbidden_address'
  | 'network'
  | 'timeout'
  | 'redirect'
  | 'status'
  | 'too_large'
  | 'not_json';

/**
 * Every failure of an outbound request. `message` is safe to show the client
 * whose URL it was (it never names a resolved address or echoes the response);
 * `detail` is for the log only. Callers turn it into their endpoint's client
 * error: none of these is the server's fault.
 */
export class OutboundError extends Error {
  override readonly name = 'OutboundError';

  constructor(readonly code: OutboundErrorCode, message: string, readonly detail?: string) {
    super(message);
  }
}
