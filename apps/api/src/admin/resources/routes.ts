import { NotFoundError } from '../errors.js';
import { defineRoute, type AdminRoute } from '../http/route.js';
import { idParams } from '../http/schemas.js';
import {
  createResourceRequest, listResourcesQuery, resourcePage, resourceView, toResourceView, updateResourceRequest,
} from './schema.js';
import { createResource, deleteResource, findResource, linkedClientIds, updateResource } from './service.js';

export const resourceRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/resources', operationId: 'listResources', tag: 'resources',
    summary: 'List APIs',
    description: 'By name, optionally only those whose name or identifier contains `search`.',
    query: listResourcesQuery,
    response: resourcePage,
    async handle({ query, storage }) {
      const page = await storage.resources.list(query);
      const linked = await storage.clients.resourceServerIds(page.items.map((resource) => resource.id));
      const items = page.items.map((resource) => toResourceView(resource, linked.get(resource.id) ?? []));
      return { items, nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'post', path: '/resources', operationId: 'createResource', tag: 'resources',
    summary: 'Register an API',
    description: 'Its identifier is the `resource` value clients send (RFC 8707) and its tokens\' `aud`: an absolute https URI '
      + '(http only on loopback) without a fragment, unique (409). Scopes named that do not exist are created.',
    body: createResourceRequest,
    status: 201,
    response: resourceView,
    errors: [409],
    async handle({ body, actor, storage, settings }) {
      return toResourceView(await createResource(storage, body, actor, { serverProfile: settings.securityProfile }), []);
    },
  }),
  defineRoute({
    method: 'get', path: '/resources/:id', operationId: 'getResource', tag: 'resources',
    summary: 'Get an API',
    params: idParams,
    response: resourceView,
    errors: [404],
    async handle({ params, storage }) {
      const resource = await findResource(storage, params.id);
      if (!resource) throw new NotFoundError(`no API has id ${params.id}`);
      return toResourceView(resource, await linkedClientIds(storage, resource.id));
    },
  }),
  defineRoute({
    method: 'patch', path: '/resources/:id', operationId: 'updateResource', tag: 'resources',
    summary: 'Change an API',
    description: 'Fields left out stay as they are. Tokens already issued keep their audience and scopes until they expire. '
      + 'An identifier another API has answers 409.',
    params: idParams,
    body: updateResourceRequest,
    response: resourceView,
    errors: [404, 409],
    async handle({ params, body, actor, storage, settings }) {
      const resource = await updateResource(storage, params.id, body, actor, { serverProfile: settings.securityProfile });
      return toResourceView(resource, await linkedClientIds(storage, resource.id));
    },
  }),
  defineRoute({
    method: 'delete', path: '/resources/:id', operationId: 'deleteResource', tag: 'resources',
    summary: 'Delete an API',
    description: 'Answers the API as it was. While an active resource-server client is linked to it, 409 naming the clients. '
      + 'Tokens already issued for it stay valid until they expire.',
    params: idParams,
    response: resourceView,
    errors: [404, 409],
    async handle({ params, actor, storage }) {
      return toResourceView(await deleteResource(storage, params.id, actor), []);
    },
  }),
];
