import { NotFoundError, StateConflictError } from '../errors.js';
import { defineRoute, type AdminRoute } from '../http/route.js';
import { idParams } from '../http/schemas.js';
import {
  createRegistrationTokenRequest, listRegistrationTokensQuery, registrationTokenPage, registrationTokenView, registrationTokenWithValue, toRegistrationTokenView,
} from './schema.js';
import { createRegistrationToken, revokeRegistrationToken } from './service.js';

export const registrationTokenRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/registration-tokens', operationId: 'listRegistrationTokens', tag: 'registration',
    summary: 'List registration tokens',
    description: 'Initial access tokens (RFC 7591 §3), newest first, expired, used up and revoked ones too (for 30 days). Never a token value.',
    query: listRegistrationTokensQuery,
    response: registrationTokenPage,
    async handle({ query, storage }) {
      const page = await storage.initialAccessTokens.list(query);
      const now = Date.now();
      return { items: page.items.map((token) => toRegistrationTokenView(token, now)), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'post', path: '/registration-tokens', operationId: 'createRegistrationToken', tag: 'registration',
    summary: 'Create a registration token',
    description: 'An initial access token a client presents to register itself, with an optional expiry, number of uses, and the grant types '
      + 'and scopes it may register. Answers the token this once (`Cache-Control: no-store`); only its hash is stored.',
    body: createRegistrationTokenRequest,
    status: 201,
    response: registrationTokenWithValue,
    async handle({ body, actor, storage }) {
      const { token, value } = await createRegistrationToken(storage, body, actor);
      return { registrationToken: toRegistrationTokenView(token), token: value };
    },
  }),
  defineRoute({
    method: 'get', path: '/registration-tokens/:id', operationId: 'getRegistrationToken', tag: 'registration',
    summary: 'Get a registration token',
    params: idParams,
    response: registrationTokenView,
    errors: [404],
    async handle({ params, storage }) {
      const token = await storage.initialAccessTokens.get(params.id);
      if (!token) throw new NotFoundError(`no registration token has id ${params.id}`);
      return toRegistrationTokenView(token);
    },
  }),
  defineRoute({
    method: 'post', path: '/registration-tokens/:id/revoke', operationId: 'revokeRegistrationToken', tag: 'registration',
    summary: 'Revoke a registration token',
    description: 'It registers nothing more; clients it registered stay. It stays listed, as revoked. An already revoked token answers 409.',
    params: idParams,
    response: registrationTokenView,
    errors: [404, 409],
    async handle({ params, actor, storage }) {
      if (!(await revokeRegistrationToken(storage, params.id, actor))) throw new StateConflictError(`registration token ${params.id} is already revoked`);
      return toRegistrationTokenView((await storage.initialAccessTokens.get(params.id))!);
    },
  }),
];
