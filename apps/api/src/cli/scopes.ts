import { upsertScope } from '../admin/scopes/service.js';
import { defineCommand, jsonOption } from './command.js';
import { table } from './context.js';

const scopesCreate = defineCommand({
  name: 'scopes create',
  summary: 'Create a scope, or change its description.',
  description: [
    'Creates the scope, or sets the description of one that exists. The consent page shows the description to users. '
      + 'Built-in scopes: openid, profile, email, offline_access and oauth-admin.',
  ],
  arguments: [{ name: 'NAME', field: 'name', description: 'The scope\'s name, as clients ask for it: printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3).' }],
  options: {
    description: { type: 'string', value: 'TEXT', required: true, description: 'What the scope allows, as the consent page shows it to users.' },
    json: jsonOption,
  },
  examples: ['scopes create read --description "Read your data"'],
  async run(ctx, values, [name]) {
    const { scope, created } = await upsertScope(ctx.storage, { name: name!, description: values.description ?? '' }, ctx.actor);
    if (values.json) ctx.out(JSON.stringify({ name: scope.name, description: scope.description, created }, null, 2));
    else ctx.out(`${created ? 'Created' : 'Updated'} scope ${scope.name}: ${scope.description}`);
  },
});

const scopesList = defineCommand({
  name: 'scopes list',
  summary: 'List scopes with their descriptions.',
  options: { json: jsonOption },
  async run(ctx, values) {
    const scopes = await ctx.storage.scopes.list();
    if (values.json) ctx.out(JSON.stringify(scopes.map((s) => ({ name: s.name, description: s.description })), null, 2));
    else ctx.out(table(['SCOPE', 'DESCRIPTION'], scopes.map((s) => [s.name, s.description])));
  },
});

export const scopesCommands = [scopesCreate, scopesList];
