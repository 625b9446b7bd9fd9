import express, { type NextFunction, type Request, type Response } from 'express';
import { HttpError } from '../../http/errors.js';
import { hasUnstorableCharacters, UNSTORABLE_MESSAGE } from '../../storage/text.js';
import type { Actor } from '../actor.js';
import { ValidationError } from '../errors.js';
import { parseOrThrow } from '../validation.js';
import type { AdminDeps, AdminRoute } from './route.js';
import { noQuery } from './schemas.js';

const BODY_LIMIT = '64kb';
const parseJson = express.json({ limit: BODY_LIMIT, strict: true, type: () => true });

function readJson(req: Request, res: Response): Promise<unknown> {
  return new Promise((resolve, reject) => {
    parseJson(req, res, (error?: unknown) => (error ? reject(error) : resolve(req.body)));
  });
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Refuses strings no store keeps as given (NUL, unpaired surrogates) anywhere
 * in the input, keys included: the caller's mistake, so a 400, never a 500.
 */
function rejectUnstorable(value: unknown, path: string[] = []): void {
  if (typeof value === 'string') {
    if (hasUnstorableCharacters(value)) throw new ValidationError({ [path.length > 0 ? path.join('.') : '_']: UNSTORABLE_MESSAGE });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => rejectUnstorable(item, [...path, String(i)]));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      rejectUnstorable(key, path);
      rejectUnstorable(item, [...path, key]);
    }
  }
}

async function readBody(req: Request, res: Response): Promise<unknown> {
  if (!hasBody(req)) return {};
  if (!req.is('application/json')) throw new HttpError(415, 'invalid_request', 'Send the body as JSON, with Content-Type: application/json.');
  return readJson(req, res);
}

function actorOf(req: Request): Actor {
  const { user, clientId } = req.auth!;
  return user ? { type: 'user', id: user.id, sourceAddress: req.clientAddress ?? null } : { type: 'client', id: clientId, sourceAddress: req.clientAddress ?? null };
}

/** Validates input, runs the handler, and answers with the output its response schema allows. */
export function routeHandler(route: AdminRoute, deps: AdminDeps) {
  return async (req: Request, res: Response, _next: NextFunction) => {
    rejectUnstorable(req.params, ['params']);
    rejectUnstorable(req.query);
    const params = route.params ? parseOrThrow(route.params, { ...req.params }) : {};
    const query = parseOrThrow(route.query ?? noQuery, { ...(req.query as object) });
    let body: unknown = undefined;
    if (route.body) {
      const raw = await readBody(req, res);
      rejectUnstorable(raw);
      body = parseOrThrow(route.body, raw);
    }
    const input = { params, query, body, actor: actorOf(req), user: req.auth!.user!, ...deps };
    if (route.stream) {
      await route.stream(input, res);
      return;
    }
    let result: unknown;
    try {
      result = await route.handle!(input);
    } catch (error) {
      if ((error as { code?: string }).code === 'invalid_cursor') throw new ValidationError({ cursor: 'is not one this server produced' });
      throw error;
    }
    res.status(route.status ?? 200).json(route.response.parse(result));
  };
}

/** Mounts each route of the table on `router`. */
export function mountRoutes(router: express.Router, routes: AdminRoute[], deps: AdminDeps) {
  for (const route of routes) router[route.method](route.path, routeHandler(route, deps));
}
