import { audit } from '../actor.js';
import { defineRoute, type AdminRoute } from '../http/route.js';
import { keyRotation, signingKeyList, toSigningKeyView } from './schema.js';

export const keyRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/keys', operationId: 'listSigningKeys', tag: 'keys',
    summary: 'List the ID token signing keys',
    description: 'The keys the JWKS publishes, newest first: active ones, and retired ones until what they signed has expired. Never a private key.',
    response: signingKeyList,
    async handle({ storage, settings }) {
      const retention = settings.server.lifetimes.idToken;
      const keys = await storage.keys.listPublished(Date.now() - retention * 1000);
      return { items: keys.map((key) => toSigningKeyView(key, retention)), jwksUri: `${settings.server.issuer}/oauth/jwks` };
    },
  }),
  defineRoute({
    method: 'post', path: '/keys/rotate', operationId: 'rotateSigningKeys', tag: 'keys',
    summary: 'Rotate the ID token signing keys',
    description: 'Makes a new key for every algorithm and retires the current ones, which stay published until what they signed has expired. '
      + 'Every process signs with the new keys within a minute. Audited as key.rotate.',
    response: keyRotation,
    async handle({ actor, storage, settings, keys }) {
      const now = Date.now();
      const { created, retired } = await keys.rotate(now);
      await audit(storage, actor, 'key.rotate', null, now, { created: created.map((key) => key.id), retired });
      return { created: created.map((key) => toSigningKeyView(key, settings.server.lifetimes.idToken)), retired };
    },
  }),
];
