import { defineRoute, type AdminRoute } from '../http/route.js';
import { CONSOLE_CLIENTS, lookUpNames } from '../names.js';
import { AUDIT_ACTIONS } from './actions.js';
import { writeAuditExport } from './export.js';
import { auditActionList, auditExport, auditPage, exportAuditQuery, idsOf, listAuditQuery, toAuditEntryView } from './schema.js';

/** The store's query for the filters the list and the export share. */
function storeQuery(query: { actor?: string; action?: string; target?: string; from?: number; to?: number; excludeConsole: boolean }) {
  return {
    actorId: query.actor, action: query.action, targetId: query.target, from: query.from, to: query.to,
    ...(query.excludeConsole && { excludeActorIds: CONSOLE_CLIENTS }),
  };
}

export const auditRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/audit', operationId: 'listAuditEntries', tag: 'audit',
    summary: 'Read the audit log',
    description: 'Newest first, filtered by actor, action, target and time range (from inclusive, to exclusive), with the names of client and user actors and targets.',
    query: listAuditQuery,
    response: auditPage,
    async handle({ query, storage }) {
      const page = await storage.audit.list({ ...storeQuery(query), limit: query.limit, cursor: query.cursor });
      const names = await lookUpNames(storage, idsOf(page.items));
      return { items: page.items.map((entry) => toAuditEntryView(entry, names)), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'get', path: '/audit/actions', operationId: 'listAuditActions', tag: 'audit',
    summary: 'The actions the audit log records',
    response: auditActionList,
    async handle() {
      return { actions: Object.entries(AUDIT_ACTIONS).map(([name, description]) => ({ name, description })) };
    },
  }),
  defineRoute({
    method: 'get', path: '/audit/export', operationId: 'exportAuditEntries', tag: 'audit',
    summary: 'Export the audit log',
    description: 'Every entry the filters select (as for GET /audit), newest first, streamed as CSV (the default) or a JSON array, '
      + 'as a file to save. CSV cells are quoted, and a cell a spreadsheet would read as a formula (= + - @) starts with an apostrophe.',
    query: exportAuditQuery,
    response: auditExport,
    produces: ['text/csv', 'application/json'],
    async stream({ query, storage }, res) {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      res.status(200).set({
        'Content-Type': query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        'Content-Disposition': `attachment; filename="tollgate-audit-${stamp}.${query.format}"`,
      });
      await writeAuditExport(storage, storeQuery(query), query.format, res);
    },
  }),
];
