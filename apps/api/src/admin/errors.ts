/** A request the caller can fix: one message per field. */
export class ValidationError extends Error {
  readonly code = 'validation_failed';
  constructor(readonly fields: Record<string, string>) {
    super(Object.entries(fields).map(([field, message]) => `${field}: ${message}`).join('; '));
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends Error {
  readonly code = 'not_found';
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The request conflicts with the current state: already revoked, the last administrator, a protected client. */
export class StateConflictError extends Error {
  readonly code = 'state_conflict';
  constructor(message: string) {
    super(message);
    this.name = 'StateConflictError';
  }
}
