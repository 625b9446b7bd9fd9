import { registrationTokenStatus, type CreateRegistrationTokenInput } from '../admin/registration-tokens/schema.js';
import { createRegistrationToken, revokeRegistrationToken } from '../admin/registration-tokens/service.js';
import { parseDuration } from '../config.js';
import type { InitialAccessToken } from '../storage/types.js';
import { defineCommand, jsonOption } from './command.js';
import { parseSeconds, splitList, table, UsageError } from './context.js';

const time = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A registration token as the CLI prints it: never its value or hash. */
function describeToken(token: InitialAccessToken, now: number) {
  return {
    id: token.id,
    prefix: token.prefix,
    description: token.description,
    status: registrationTokenStatus(token, now),
    grant_types: token.grantTypes,
    scope: token.scopes?.join(' ') ?? null,
    max_uses: token.maxUses,
    uses: token.uses,
    expires_at: time(token.expiresAt),
    created_at: time(token.createdAt),
    last_used_at: time(token.lastUsedAt),
    revoked_at: time(token.revokedAt),
  };
}

function parseMaxUses(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--max-uses must be a whole number of 1 or more (got "${value}")`);
  return Number(value);
}

const registrationTokensCreate = defineCommand({
  name: 'registration-tokens create',
  summary: 'Create an initial access token that lets a client register itself (RFC 7591).',
  description: [
    'Creates an initial access token (tg_iat_…) for POST /oauth/register, printed this once and stored only as a hash. '
      + 'A client that registers with it gets at most its grant types and scopes. Without limits it allows every grant type '
      + 'and every scope but oauth-admin, which it can never allow.',
  ],
  options: {
    'expires-in': { type: 'string', value: 'DURATION', field: 'expiresIn', description: 'How long it may be used (3600, 15m, 1d), at most a year. Default: it does not expire.' },
    'max-uses': { type: 'string', value: 'N', field: 'maxUses', description: 'How many clients it may register, 1 or more. Default: any number.' },
    'grant-types': {
      type: 'string', value: 'LIST', field: 'grantTypes',
      description: 'The grant types a client registered with it may have, separated by commas: authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code. Default: any.',
    },
    scopes: { type: 'string', value: 'LIST', description: 'The scopes a client registered with it may have, separated by spaces ("openid read"); they must exist. Default: any but oauth-admin.' },
    description: { type: 'string', value: 'TEXT', description: 'A note for administrators: who it is for.' },
    json: { ...jsonOption, description: 'Print the token and its limits as JSON: {"token": "tg_iat_…", "id": …}.' },
  },
  examples: ['registration-tokens create --max-uses 5 --expires-in 7d --scopes "openid read" --description "MCP agents" --json'],
  async run(ctx, values) {
    const expiresIn = parseSeconds('expires-in', values['expires-in'], parseDuration);
    const input: CreateRegistrationTokenInput = {
      description: values.description,
      expiresIn: expiresIn ?? undefined,
      maxUses: parseMaxUses(values['max-uses']),
      grantTypes: splitList(values['grant-types']) as CreateRegistrationTokenInput['grantTypes'],
      scopes: splitList(values.scopes),
    };
    const { token, value } = await createRegistrationToken(ctx.storage, input, ctx.actor);
    if (values.json) {
      ctx.out(JSON.stringify({ token: value, ...describeToken(token, token.createdAt) }, null, 2));
      return;
    }
    ctx.out(`Created registration token ${token.id}`);
    ctx.out(`  token:       ${value}`);
    ctx.out(`  expires:     ${time(token.expiresAt) ?? 'never'}`);
    ctx.out(`  uses:        ${token.maxUses ?? 'any number'}`);
    ctx.out(`  grant types: ${token.grantTypes?.join(' ') ?? 'any'}`);
    ctx.out(`  scopes:      ${token.scopes?.join(' ') ?? 'any but oauth-admin'}`);
    ctx.out('The token is shown this once and stored only as a hash: hand it over now.');
  },
});

const registrationTokensList = defineCommand({
  name: 'registration-tokens list',
  summary: 'List registration tokens with their status and uses (never a value).',
  description: ['Lists every registration token, newest first, with its status (active, expired, exhausted, revoked), uses and limits; never a token\'s value.'],
  options: { json: jsonOption },
  async run(ctx, values) {
    const tokens: InitialAccessToken[] = [];
    let cursor: string | undefined;
    do {
      const page = await ctx.storage.initialAccessTokens.list({ limit: 500, cursor });
      tokens.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const now = Date.now();
    const rows = tokens.map((token) => describeToken(token, now));
    if (values.json) {
      ctx.out(JSON.stringify(rows, null, 2));
      return;
    }
    if (rows.length === 0) {
      ctx.out('No registration tokens.');
      return;
    }
    ctx.out(table(['ID', 'PREFIX', 'STATUS', 'USES', 'EXPIRES', 'DESCRIPTION'], rows.map((r) => [
      r.id, r.prefix, r.status, r.max_uses === null ? String(r.uses) : `${r.uses}/${r.max_uses}`, r.expires_at ?? 'never', r.description ?? '',
    ])));
  },
});

const registrationTokensRevoke = defineCommand({
  name: 'registration-tokens revoke',
  summary: 'Revoke a registration token: it registers nothing more.',
  description: ['Revokes the token; clients it already registered are unaffected. It stays listed, as revoked. Revoking it again changes nothing.'],
  arguments: [{ name: 'ID', description: 'The token\'s id, as registration-tokens list shows it (not the token itself).' }],
  options: { json: jsonOption },
  async run(ctx, values, [id]) {
    const revoked = await revokeRegistrationToken(ctx.storage, id!, ctx.actor);
    if (values.json) ctx.out(JSON.stringify({ id, revoked: true, already_revoked: !revoked }));
    else ctx.out(revoked ? `Revoked registration token ${id}` : `Registration token ${id} was already revoked`);
  },
});

export const registrationTokensCommands = [registrationTokensCreate, registrationTokensList, registrationTokensRevoke];
