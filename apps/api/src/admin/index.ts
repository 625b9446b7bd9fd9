import express from 'express';
import { requireBearer } from '../oauth/bearer.js';
import { ADMIN_SCOPE } from '../setup/bootstrap.js';
import type { SigningKeys } from '../oauth/tokens/signing-keys.js';
import type { Storage } from '../storage/types.js';
import { VERSION } from '../version.js';
import { auditRoutes } from './audit/routes.js';
import { clientRoutes } from './clients/routes.js';
import { consentRoutes } from './consents/routes.js';
import { keyRoutes } from './keys/routes.js';
import { ADMIN_REALM, requireAdministrator, requireInteractionsClient } from './http/auth.js';
import { interactionRoutes } from './interactions/routes.js';
import { INTERACTIONS_SCOPE } from './interactions/schema.js';
import type { HostInteractions } from '../embed/interactions.js';
import { adminCors } from './http/cors.js';
import { openApiDocument } from './http/openapi.js';
import type { AdminRoute, AdminSettings } from './http/route.js';
import { mountRoutes } from './http/router.js';
import { registrationPolicyRoutes } from './registration-policy/routes.js';
import { registrationTokenRoutes } from './registration-tokens/routes.js';
import { resourceRoutes } from './resources/routes.js';
import { scopeRoutes } from './scopes/routes.js';
import { sessionRoutes } from './sessions/routes.js';
import { settingsRoutes } from './settings/routes.js';
import { statisticsRoutes } from './stats/routes.js';
import { tokenRoutes } from './tokens/routes.js';
import { userRoutes } from './users/routes.js';

/** Every admin API operation; the router and the OpenAPI document are both built from it. */
export const adminRoutes: AdminRoute[] = [
  ...clientRoutes, ...resourceRoutes, ...tokenRoutes, ...userRoutes, ...sessionRoutes, ...scopeRoutes, ...consentRoutes, ...auditRoutes, ...statisticsRoutes,
  ...registrationPolicyRoutes, ...registrationTokenRoutes, ...keyRoutes, ...settingsRoutes, ...interactionRoutes,
];

export interface AdminApiOptions {
  storage: Storage;
  issuer: string;
  /** Origins allowed to call from a browser (exact match); none by default. */
  corsOrigins: readonly string[];
  /** The configuration the admin API shows (the registration policy). */
  settings: AdminSettings;
  /** The ID token signing keys, which the Keys page lists and rotates. */
  keys: SigningKeys;
  /** A host application's login and consent pages, answered through /interactions (issue 22). */
  interactions?: HostInteractions | null;
}

/**
 * The admin API, mounted at /admin/api: JSON in and out, `Cache-Control: no-store`
 * on every answer, bearer tokens of active administrators carrying `oauth-admin`.
 */
export function adminApi({ storage, issuer, corsOrigins, settings, keys, interactions }: AdminApiOptions): express.Router {
  const router = express.Router({ caseSensitive: true, strict: false });
  const document = openApiDocument(adminRoutes, { serverUrl: `${issuer}/admin/api`, version: VERSION });
  router.use(adminCors(corsOrigins));
  router.use((_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    next();
  });
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  // A login and consent app's token answers sign-ins and nothing else; an administrator's does not answer them.
  router.use('/interactions', requireBearer({ storage, realm: ADMIN_REALM, scope: INTERACTIONS_SCOPE }), requireInteractionsClient(storage));
  mountRoutes(router, adminRoutes.filter((route) => route.auth === 'interactions'), { storage, settings, keys, interactions });
  router.use(requireBearer({ storage, realm: ADMIN_REALM, scope: ADMIN_SCOPE }));
  router.use(requireAdministrator(storage));
  mountRoutes(router, adminRoutes.filter((route) => route.auth !== 'interactions'), { storage, settings, keys });
  return router;
}
