/**
 * The admin API's request and response types, re-exported from the API's own contract (inferred
 * from the zod schemas that validate its requests), so the console and the server cannot drift.
 * Type-only: nothing of the API's code reaches the bundle.
 */
export type * from '@tollgate/api/admin/contract';
