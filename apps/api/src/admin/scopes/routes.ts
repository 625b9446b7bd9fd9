import { defineRoute, type AdminRoute } from '../http/route.js';
import { createScopeRequest, scopeList, scopeParams, scopeView, toScopeView, updateScopeRequest } from './schema.js';
import { createScope, updateScopeDescription } from './service.js';

export const scopeRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/scopes', operationId: 'listScopes', tag: 'scopes',
    summary: 'List scopes',
    description: 'Every scope, by name.',
    response: scopeList,
    async handle({ storage }) {
      return { items: (await storage.scopes.list()).map(toScopeView) };
    },
  }),
  defineRoute({
    method: 'post', path: '/scopes', operationId: 'createScope', tag: 'scopes',
    summary: 'Create a scope',
    description: 'Names follow RFC 6749 §3.3 and are case-sensitive. An existing name answers 409.',
    body: createScopeRequest,
    status: 201,
    response: scopeView,
    errors: [409],
    async handle({ body, actor, storage }) {
      return toScopeView(await createScope(storage, body, actor));
    },
  }),
  defineRoute({
    method: 'patch', path: '/scopes/:name', operationId: 'updateScope', tag: 'scopes',
    summary: 'Change a scope\'s description',
    description: 'The description is what users read on the consent page.',
    params: scopeParams,
    body: updateScopeRequest,
    response: scopeView,
    errors: [404],
    async handle({ params, body, actor, storage }) {
      return toScopeView(await updateScopeDescription(storage, params.name, body.description, actor));
    },
  }),
];
