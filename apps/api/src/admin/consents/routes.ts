import { defineRoute, type AdminRoute } from '../http/route.js';
import { lookUpNames } from '../names.js';
import { idParams } from '../http/schemas.js';
import { consentPage, consentRevocation, listConsentsQuery, toConsentView } from './schema.js';
import { revokeConsent } from './service.js';

export const consentRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/consents', operationId: 'listConsents', tag: 'consents',
    summary: 'List live consents',
    description: 'By user, by client, or both; most recently granted first, with the user\'s and client\'s names.',
    query: listConsentsQuery,
    response: consentPage,
    async handle({ query, storage }) {
      const page = await storage.consents.list(query);
      const names = await lookUpNames(storage, { clientIds: page.items.map((c) => c.clientId), userIds: page.items.map((c) => c.userId) });
      return { items: page.items.map((consent) => toConsentView(consent, names)), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'post', path: '/consents/:id/revoke', operationId: 'revokeConsent', tag: 'consents',
    summary: 'Revoke a consent',
    description: 'With the user\'s tokens at that client, in one transaction. An already revoked consent answers 409.',
    params: idParams,
    response: consentRevocation,
    errors: [404, 409],
    async handle({ params, actor, storage }) {
      const { consent, revokedTokens } = await revokeConsent(storage, params.id, actor);
      const names = await lookUpNames(storage, { clientIds: [consent.clientId], userIds: [consent.userId] });
      return { consent: toConsentView(consent, names), revokedTokens };
    },
  }),
];
