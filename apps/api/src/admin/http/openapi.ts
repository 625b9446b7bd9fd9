import { z } from 'zod';
import type { AdminRoute } from './route.js';
import { requestSchemas, responseSchemas } from './schemas.js';

type JsonObject = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** Drops the keys a standalone JSON Schema carries and an OpenAPI component must not repeat. */
function bare(schema: JsonObject): JsonObject {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

function components(registry: typeof requestSchemas, io: 'input' | 'output'): Record<string, JsonObject> {
  const { schemas } = z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, bare(schema as JsonObject)]));
}

function idOf(registry: typeof requestSchemas, schema: z.ZodType, route: AdminRoute): string {
  const id = registry.get(schema)?.id;
  if (!id) throw new Error(`${route.operationId}: its request and response schemas must be registered (requestSchema/responseSchema)`);
  return id;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
  return Object.entries(shape).map(([name, field]) => {
    const json = bare(z.toJSONSchema(field, { io: 'input', unrepresentable: 'any' }) as JsonObject);
    const { description, ...fieldSchema } = json;
    return {
      name,
      in: where,
      required: where === 'path' || !field.safeParse(undefined).success,
      ...(description !== undefined && { description }),
      schema: fieldSchema,
    };
  });
}

const ERRORS: Record<number, string> = {
  400: 'Invalid input: one message per field in `fields`.',
  401: 'No bearer token, or one that is invalid, expired or revoked (with a `WWW-Authenticate: Bearer` challenge).',
  403: '`insufficient_scope`: the token lacks `oauth-admin` (`oauth-interactions` for the interactions operations), has no user (has one, for interactions), its user is not an administrator, or it was not issued to the console.',
  404: 'No such resource.',
  409: 'The request conflicts with the current state (already revoked, the last administrator, a protected client, a name taken).',
  415: 'The body is not JSON.',
};

const errorResponse = (status: number) => ({ description: ERRORS[status], content: { 'application/json': { schema: ref('Error') } } });

/** The OpenAPI 3.1 document of the admin API, generated from the route table's zod schemas. */
export function openApiDocument(routes: AdminRoute[], options: { serverUrl: string; version: string }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const responses: Record<string, JsonObject> = {
      [String(route.status ?? 200)]: {
        description: route.summary,
        headers: { 'Cache-Control': { description: 'Always `no-store`.', schema: { type: 'string' } } },
        content: Object.fromEntries((route.produces ?? ['application/json']).map((type) => [
          type, { schema: type === 'application/json' ? ref(idOf(responseSchemas, route.response, route)) : { type: 'string' } },
        ])),
      },
    };
    for (const status of [400, 401, 403, ...(route.body ? [415] : []), ...(route.errors ?? [])].sort()) {
      responses[String(status)] = errorResponse(status);
    }
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.operationId,
      tags: [route.tag],
      summary: route.summary,
      ...(route.description !== undefined && { description: route.description }),
      ...(route.auth === 'interactions' && { security: [{ interactions: [] }] }),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(route.body && {
        requestBody: { required: true, content: { 'application/json': { schema: ref(idOf(requestSchemas, route.body, route)) } } },
      }),
      responses,
    };
  }
  paths['/openapi.json'] = {
    get: {
      operationId: 'getOpenApiDocument',
      tags: ['meta'],
      summary: 'This document',
      security: [],
      responses: { 200: { description: 'The OpenAPI 3.1 document of the admin API.', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tollgate admin API',
      version: options.version,
      description: 'What the Tollgate console calls, and what administrators script. Every operation needs a bearer token '
        + 'carrying the `oauth-admin` scope, issued to a user who is an administrator; every change is written to the audit log.',
    },
    servers: [{ url: options.serverUrl }],
    security: [{ bearer: [] }],
    tags: ['clients', 'resources', 'tokens', 'users', 'sessions', 'scopes', 'consents', 'audit', 'statistics', 'registration', 'keys', 'settings', 'interactions', 'meta'].map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...components(requestSchemas, 'input'), ...components(responseSchemas, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An access token with the `oauth-admin` scope, in the Authorization header only.' },
        interactions: {
          type: 'http', scheme: 'bearer',
          description: 'An access token with the `oauth-interactions` scope that a login and consent app\'s client holds for itself (client credentials), in the Authorization header only.',
        },
      },
    },
  };
}
