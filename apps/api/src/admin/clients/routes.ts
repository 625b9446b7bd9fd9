import { NotFoundError, StateConflictError, ValidationError } from '../errors.js';
import { defineRoute, type AdminRoute } from '../http/route.js';
import { idParams, revokedCount } from '../http/schemas.js';
import { revokeClientTokens } from '../tokens/service.js';
import type { Client, Stores } from '../../storage/types.js';
import { resourceIdentifiers } from './resource-links.js';
import { clientDeletion, clientPage, clientView, clientWithSecret, createClientRequest, listClientsQuery, toClientView, updateClientRequest, updatedClientView } from './schema.js';
import { createClient, deleteClient, revokeClient, rotateClientSecret, updateClient } from './service.js';

async function viewOf(stores: Pick<Stores, 'resources'>, client: Client) {
  return toClientView(client, await resourceIdentifiers(stores, [client]));
}

export const clientRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/clients', operationId: 'listClients', tag: 'clients',
    summary: 'List clients',
    description: 'Search by name or client id, filter by status, by how they were registered or by API, sort by name or creation time; never shows a secret.',
    query: listClientsQuery,
    response: clientPage,
    async handle({ query: { allowedResource, resource, ...query }, storage }) {
      const idOf = async (identifier: string, field: string) => {
        const api = await storage.resources.getByIdentifier(identifier);
        if (!api) throw new ValidationError({ [field]: `no API has the identifier ${identifier}` });
        return api.id;
      };
      const page = await storage.clients.list({
        ...query,
        ...(allowedResource !== undefined && { allowedResource: await idOf(allowedResource, 'allowedResource') }),
        ...(resource !== undefined && { resourceId: await idOf(resource, 'resource') }),
      });
      const identifiers = await resourceIdentifiers(storage, page.items);
      return { items: page.items.map((client) => toClientView(client, identifiers)), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'post', path: '/clients', operationId: 'createClient', tag: 'clients',
    summary: 'Register a client',
    description: 'Answers the client secret this once (`Cache-Control: no-store`); only its hash is stored.',
    body: createClientRequest,
    status: 201,
    response: clientWithSecret,
    async handle({ body, actor, storage, settings }) {
      const { client, secret } = await createClient(storage, body, actor, { serverProfile: settings.securityProfile });
      return { client: await viewOf(storage, client), clientSecret: secret };
    },
  }),
  defineRoute({
    method: 'get', path: '/clients/:id', operationId: 'getClient', tag: 'clients',
    summary: 'Get a client',
    params: idParams,
    response: clientView,
    errors: [404],
    async handle({ params, storage }) {
      const client = await storage.clients.get(params.id);
      if (!client) throw new NotFoundError(`no client has id ${params.id}`);
      return viewOf(storage, client);
    },
  }),
  defineRoute({
    method: 'patch', path: '/clients/:id', operationId: 'updateClient', tag: 'clients',
    summary: 'Change a client',
    description: 'Fields left out stay as they are. The result must be a consistent registration; a public client stays public. '
      + 'A confidential client may switch between a secret and private_key_jwt: to private_key_jwt its secret is deleted; back to a secret, '
      + 'a new one is answered this once in `clientSecret` (`Cache-Control: no-store`). '
      + 'Revoked clients and the console\'s own client answer 409.',
    params: idParams,
    body: updateClientRequest,
    response: updatedClientView,
    errors: [404, 409],
    async handle({ params, body, actor, storage, settings }) {
      const { client, secret } = await updateClient(storage, params.id, body, actor, { serverProfile: settings.securityProfile });
      return { ...await viewOf(storage, client), ...(secret !== null && { clientSecret: secret }) };
    },
  }),
  defineRoute({
    method: 'post', path: '/clients/:id/rotate-secret', operationId: 'rotateClientSecret', tag: 'clients',
    summary: 'Give a client a new secret',
    description: 'The old secret stops working at once; the new one is answered this once. Public clients answer 409.',
    params: idParams,
    response: clientWithSecret,
    errors: [404, 409],
    async handle({ params, actor, storage }) {
      const { client, secret } = await rotateClientSecret(storage, params.id, actor);
      return { client: await viewOf(storage, client), clientSecret: secret };
    },
  }),
  defineRoute({
    method: 'post', path: '/clients/:id/revoke', operationId: 'revokeClient', tag: 'clients',
    summary: 'Revoke a client',
    description: 'In one transaction with its tokens, codes and consents. The client stays listed, as revoked. '
      + 'An already revoked client and the console\'s own client answer 409.',
    params: idParams,
    response: clientView,
    errors: [404, 409],
    async handle({ params, actor, storage }) {
      const revoked = await revokeClient(storage, params.id, actor);
      if (!revoked) throw new StateConflictError(`client ${params.id} is already revoked`);
      return viewOf(storage, (await storage.clients.get(params.id))!);
    },
  }),
  defineRoute({
    method: 'delete', path: '/clients/:id', operationId: 'deleteClient', tag: 'clients',
    summary: 'Delete a revoked client',
    description: 'Removes the client with its tokens, codes and consents; the audit log keeps its entries. '
      + 'An active client (revoke it first) and the console\'s own client answer 409.',
    params: idParams,
    response: clientDeletion,
    errors: [404, 409],
    async handle({ params, actor, storage }) {
      const client = await deleteClient(storage, params.id, actor);
      return { id: client.id, name: client.name, deleted: true as const };
    },
  }),
  defineRoute({
    method: 'post', path: '/clients/:id/tokens/revoke', operationId: 'revokeClientTokens', tag: 'tokens',
    summary: 'Revoke every token of a client',
    description: 'The client itself stays active.',
    params: idParams,
    response: revokedCount,
    errors: [404],
    async handle({ params, actor, storage }) {
      return { revoked: await revokeClientTokens(storage, params.id, actor) };
    },
  }),
];
