import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';
import { ProtectedClientError } from '../admin/clients/service.js';
import { NotFoundError, StateConflictError, ValidationError } from '../admin/errors.js';
import { OAuthError } from '../oauth/errors.js';
import { ConflictError } from '../storage/types.js';
import { HttpError } from './errors.js';

/** Body-parser and similar errors carry the status the client earned. */
interface StatusError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/**
 * The one place errors become responses. Anything not meant for the caller
 * becomes `server_error` with the request id, and is logged with its stack.
 */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      req.log?.error({ err: error }, 'error after the response started');
      res.destroy();
      return;
    }
    if (error instanceof OAuthError) {
      res.set({ 'Cache-Control': 'no-store', ...error.headers });
      res.status(error.status).json(error.body);
      return;
    }
    const admin = adminErrorBody(error);
    if (admin) {
      res.status(admin.status).json(admin.body);
      return;
    }
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: error.code, error_description: error.message });
      return;
    }
    const status = (error as StatusError).status ?? (error as StatusError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500 && (error as StatusError).expose !== false) {
      const code = status === 413 ? 'request_too_large' : 'invalid_request';
      res.status(status).json({ error: code, error_description: describeClientError(error as StatusError, status) });
      return;
    }
    (req.log ?? logger).error({ err: error, requestId: req.id }, 'unhandled error');
    res.status(500).json({ error: 'server_error', error_description: `The server could not complete the request (request id ${String(req.id)}).` });
  };
}

/** Errors of the admin services (shared with the CLI): bad input, unknown ids, conflicts. */
function adminErrorBody(error: unknown): { status: number; body: Record<string, unknown> } | null {
  if (error instanceof ValidationError) {
    return { status: 400, body: { error: 'invalid_request', error_description: error.message, fields: error.fields } };
  }
  if (error instanceof NotFoundError) return { status: 404, body: { error: 'not_found', error_description: error.message } };
  if (error instanceof ConflictError || error instanceof StateConflictError || error instanceof ProtectedClientError) {
    const fields = error instanceof ConflictError && error.field ? { fields: { [error.field]: error.message } } : {};
    return { status: 409, body: { error: 'conflict', error_description: error.message, ...fields } };
  }
  return null;
}

function describeClientError(error: StatusError, status: number): string {
  switch (error.type) {
    case 'entity.parse.failed': return 'The request body is not valid.';
    case 'entity.too.large': return 'The request body is too large.';
    case 'encoding.unsupported': return 'The request body encoding is not supported.';
    default: return status === 413 ? 'The request body is too large.' : 'The request is not valid.';
  }
}
