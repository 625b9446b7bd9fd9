import { registrationTokenStatus, type CreateRegistrationTokenInput } from '../admin/registration-tokens/schema.js';
import { createRegistrationToken, revokeRegistrationToken } from '../admin/registration-tokens/service.js';
import { parseDuration } from '../config.js';
import type { GrantType, InitialAccessToken } from '../storage/types.js';
import { parseSeconds, splitList, table, UsageError, type CliContext } from './context.js';

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

export const registrationTokensCreateOptions = {
  'expires-in': { type: 'string' },
  'max-uses': { type: 'string' },
  'grant-types': { type: 'string' },
  scopes: { type: 'string' },
  description: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type CreateValues = { [K in keyof typeof registrationTokensCreateOptions]?: (typeof registrationTokensCreateOptions)[K]['type'] extends 'boolean' ? boolean : string };

function parseMaxUses(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--max-uses must be a whole number of 1 or more (got "${value}")`);
  return Number(value);
}

/** `registration-tokens create`: prints the token this once; only its hash is stored. */
export async function registrationTokensCreateCommand(ctx: CliContext, values: CreateValues) {
  const expiresIn = parseSeconds('expires-in', values['expires-in'], parseDuration);
  const input: CreateRegistrationTokenInput = {
    description: values.description,
    expiresIn: expiresIn ?? undefined,
    maxUses: parseMaxUses(values['max-uses']),
    grantTypes: splitList(values['grant-types']) as GrantType[] | undefined,
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
}

export const registrationTokensListOptions = { json: { type: 'boolean' } } as const;

/** `registration-tokens list`: newest first, revoked, expired and used-up ones too. */
export async function registrationTokensListCommand(ctx: CliContext, values: { json?: boolean }) {
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
}

export const registrationTokensRevokeOptions = { json: { type: 'boolean' } } as const;

/** `registration-tokens revoke ID`: idempotent. */
export async function registrationTokensRevokeCommand(ctx: CliContext, positionals: string[], values: { json?: boolean }) {
  if (positionals.length !== 1) throw new UsageError('registration-tokens revoke takes one token id (see registration-tokens list)');
  const id = positionals[0]!;
  const revoked = await revokeRegistrationToken(ctx.storage, id, ctx.actor);
  if (values.json) ctx.out(JSON.stringify({ id, revoked: true, already_revoked: !revoked }));
  else ctx.out(revoked ? `Revoked registration token ${id}` : `Registration token ${id} was already revoked`);
}
