import { z } from 'zod';
import { BUILTIN_SCOPES } from '../../setup/bootstrap.js';
import type { Scope } from '../../storage/types.js';
import { scopeName } from '../../oauth/clients/fields.js';
import { displayText, requestSchema, responseSchema, time, toTime } from '../http/schemas.js';

export const upsertScopeInput = z.object({
  name: scopeName,
  description: displayText(z.string().trim().min(1, 'is required: the consent page shows it').max(500, 'must be at most 500 characters')),
}).strict();

export type UpsertScopeInput = z.input<typeof upsertScopeInput>;

export const scopeView = responseSchema('Scope', z.object({
  name: z.string(),
  description: z.string(),
  builtIn: z.boolean().meta({ description: 'One of the scopes every installation has (openid, profile, email, offline_access, oauth-admin).' }),
  createdAt: time,
  updatedAt: time,
}));
export type ScopeView = z.output<typeof scopeView>;

export function toScopeView(scope: Scope): ScopeView {
  return {
    name: scope.name,
    description: scope.description,
    builtIn: Object.hasOwn(BUILTIN_SCOPES, scope.name),
    createdAt: toTime(scope.createdAt),
    updatedAt: toTime(scope.updatedAt),
  };
}

export const scopeList = responseSchema('ScopeList', z.object({ items: z.array(scopeView) }));

export const createScopeRequest = requestSchema('CreateScopeRequest', upsertScopeInput);

export const updateScopeRequest = requestSchema('UpdateScopeRequest', upsertScopeInput.omit({ name: true }).strict());

export const scopeParams = z.object({ name: z.string().min(1).max(100) }).strict();
