import { useMutation } from '@tanstack/react-query';
import { adminDownload } from '../../../lib/api/admin-fetch';
import type { ExportAuditQuery } from '../../../lib/contract';

/** `GET /admin/api/audit/export`: saves the filtered log as a CSV or JSON file; resolves with the file's name. */
export function exportAudit(query: ExportAuditQuery): Promise<string> {
  return adminDownload('/audit/export', { ...query }, `tollgate-audit.${query.format ?? 'csv'}`);
}

/** Exports the filtered audit log; `isPending` while the file downloads. */
export function useExportAudit() {
  return useMutation({ mutationFn: exportAudit });
}
