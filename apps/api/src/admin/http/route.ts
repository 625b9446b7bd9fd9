import type { Response } from 'express';
import type { z } from 'zod';
import type { RateLimitRule, RegistrationPolicy } from '../../config.js';
import type { SigningKeys } from '../../oauth/tokens/signing-keys.js';
import type { SecurityProfile, Storage, User } from '../../storage/types.js';
import type { Actor } from '../actor.js';
import type { HostInteractions } from '../../embed/interactions.js';
import type { SettingsView } from '../settings/schema.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What the admin API shows of the server's configuration, passed in by the app. */
export interface AdminSettings {
  /** The dynamic registration policy, its rate limit, and the issuer its endpoint lives under. */
  registration: { issuer: string; policy: RegistrationPolicy; rateLimit: RateLimitRule | null };
  /** The effective configuration, secrets masked. */
  server: SettingsView;
  /** `SECURITY_PROFILE`: with `fapi2`, clients created or changed must conform to the FAPI 2.0 Security Profile. */
  securityProfile?: SecurityProfile | null;
}

/** What every handler may use: the storage, the configuration it shows, the signing keys. */
export interface AdminDeps {
  storage: Storage;
  settings: AdminSettings;
  keys: SigningKeys;
  /** A host application's login and consent pages, when they answer sign-ins (issue 22). */
  interactions?: HostInteractions | null;
}

/** What a handler gets: validated input, the administrator calling, the storage and the settings. */
export interface HandlerInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The administrator (or, for `auth: 'interactions'`, the client), for the audit log. */
  actor: Actor;
  /** The administrator; absent for `auth: 'interactions'` routes, whose tokens have no user. */
  user: User;
  storage: Storage;
  settings: AdminSettings;
  keys: SigningKeys;
  interactions?: HostInteractions | null;
}

/**
 * One admin API operation: its schemas (which validate requests and describe
 * the operation in the OpenAPI document) and its handler. The handler's
 * result is parsed with `response` before it is sent, so nothing the schema
 * does not name (a secret hash, say) can leave.
 */
export interface AdminRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: Method;
  /** Express syntax under /admin/api: `/clients/:id`. */
  path: string;
  operationId: string;
  tag: 'clients' | 'resources' | 'tokens' | 'users' | 'sessions' | 'scopes' | 'consents' | 'audit' | 'statistics' | 'registration' | 'keys' | 'settings' | 'interactions';
  /** Who may call: administrators (`oauth-admin`, the default), or a login and consent app's client (`oauth-interactions`). */
  auth?: 'admin' | 'interactions';
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  /** A JSON body; a request without one is read as `{}`. */
  body?: B;
  /** 200 unless said. */
  status?: 200 | 201;
  response: R;
  /** Statuses beyond 400, 401, 403 (and 415 for routes with a body) this route may answer. */
  errors?: (404 | 409)[];
  /** The JSON answer; routes that `stream` have none. */
  handle?(input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>>;
  /** Media types a streamed answer may have (`response` describes the JSON one); only with `stream`. */
  produces?: string[];
  /** Writes the answer itself, as it goes (a large export), instead of `handle`'s JSON. */
  stream?(input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>, res: Response): Promise<void>;
}

/** Types a route's handler from its schemas; the table holds them untyped. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(route: AdminRoute<P, Q, B, R>): AdminRoute {
  return route as unknown as AdminRoute;
}
