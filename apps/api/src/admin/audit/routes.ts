import { defineRoute, type AdminRoute } from '../http/route.js';
import { auditPage, listAuditQuery, toAuditEntryView } from './schema.js';

export const auditRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/audit', operationId: 'listAuditEntries', tag: 'audit',
    summary: 'Read the audit log',
    description: 'Newest first, filtered by actor, action, target and time range (from inclusive, to exclusive).',
    query: listAuditQuery,
    response: auditPage,
    async handle({ query, storage }) {
      const page = await storage.audit.list({
        actorId: query.actor, action: query.action, targetId: query.target, from: query.from, to: query.to,
        limit: query.limit, cursor: query.cursor,
      });
      return { items: page.items.map(toAuditEntryView), nextCursor: page.nextCursor };
    },
  }),
];
