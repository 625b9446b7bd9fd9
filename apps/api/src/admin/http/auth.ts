import type { NextFunction, Request, Response } from 'express';
import { OAuthError } from '../../oauth/errors.js';
import { ADMIN_SCOPE } from '../../setup/bootstrap.js';
import type { Storage } from '../../storage/types.js';

export const ADMIN_REALM = 'tollgate-admin';

/** 403 `insufficient_scope` for a token that carries the scope but not an administrator. */
export class NotAnAdministrator extends OAuthError {
  readonly error = 'insufficient_scope';
  override readonly status = 403;

  constructor(description: string) {
    super(description);
    this.headers['WWW-Authenticate'] = `Bearer realm="${ADMIN_REALM}", error="insufficient_scope", scope="${ADMIN_SCOPE}"`;
  }

  override get body() {
    return { ...super.body, scope: ADMIN_SCOPE };
  }
}

/**
 * After `requireBearer`: the token must speak for a user who is an
 * administrator now, not merely when it was issued, and must have been
 * issued to one of Tollgate's own clients (the console): `oauth-admin` in a
 * token any other client obtained is not enough. Client-credentials tokens
 * have no user and are refused.
 */
export function requireAdministrator(storage: Storage) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const user = req.auth?.user;
    if (!user) throw new NotAnAdministrator('The admin API needs a token issued to an administrator; a token a client holds for itself is refused.');
    if (!user.admin) throw new NotAnAdministrator('The token\'s user is not an administrator.');
    const client = await storage.clients.get(req.auth!.clientId);
    if (!client?.system) throw new NotAnAdministrator('The admin API accepts only tokens issued to the Tollgate console.');
    next();
  };
}

/** 403 for a token that carries `oauth-interactions` but speaks for a user rather than the login app's client. */
export class NotAnInteractionsClient extends OAuthError {
  readonly error = 'insufficient_scope';
  override readonly status = 403;

  constructor(description: string) {
    super(description);
    this.headers['WWW-Authenticate'] = `Bearer realm="${ADMIN_REALM}", error="insufficient_scope", scope="oauth-interactions"`;
  }
}

/**
 * After `requireBearer` with `oauth-interactions`: the token must be one a
 * client holds for itself (client credentials). A token issued to a user
 * could otherwise let that user sign anyone in.
 */
export function requireInteractionsClient(storage: Storage) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    if (req.auth?.user) throw new NotAnInteractionsClient('Interactions are answered with a token a client holds for itself (client credentials), not a user\'s.');
    const client = await storage.clients.get(req.auth!.clientId);
    if (!client || client.status !== 'active') throw new NotAnInteractionsClient('The token\'s client is not active.');
    next();
  };
}
