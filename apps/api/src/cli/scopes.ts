import { upsertScope } from '../admin/scopes/service.js';
import { UsageError, table, type CliContext } from './context.js';

export const scopesCreateOptions = {
  description: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `scopes create NAME --description D`: creates the scope, or sets its description. */
export async function scopesCreateCommand(ctx: CliContext, positionals: string[], values: { description?: string; json?: boolean }) {
  if (positionals.length !== 1) throw new UsageError('scopes create takes one scope name, for example: scopes create read --description "Read your data"');
  const { scope, created } = await upsertScope(ctx.storage, { name: positionals[0]!, description: values.description ?? '' }, ctx.actor);
  if (values.json) ctx.out(JSON.stringify({ name: scope.name, description: scope.description, created }, null, 2));
  else ctx.out(`${created ? 'Created' : 'Updated'} scope ${scope.name}: ${scope.description}`);
}

export const scopesListOptions = { json: { type: 'boolean' } } as const;

export async function scopesListCommand(ctx: CliContext, values: { json?: boolean }) {
  const scopes = await ctx.storage.scopes.list();
  if (values.json) ctx.out(JSON.stringify(scopes.map((s) => ({ name: s.name, description: s.description })), null, 2));
  else ctx.out(table(['SCOPE', 'DESCRIPTION'], scopes.map((s) => [s.name, s.description])));
}
