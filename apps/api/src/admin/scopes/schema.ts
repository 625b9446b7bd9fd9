import { z } from 'zod';
import { scopeName } from '../clients/schema.js';

export const upsertScopeInput = z.object({
  name: scopeName,
  description: z.string().trim().min(1, 'is required: the consent page shows it').max(500, 'must be at most 500 characters'),
}).strict();

export type UpsertScopeInput = z.input<typeof upsertScopeInput>;
