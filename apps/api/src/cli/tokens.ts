import { audit } from '../admin/actor.js';
import { parseDuration } from '../config.js';
import { createMetrics } from '../http/metrics.js';
import { TokenIssuer } from '../oauth/tokens/issue.js';
import { ADMIN_SCOPE, CONSOLE_CLIENT_ID } from '../setup/bootstrap.js';
import { parseSeconds, UsageError, type CliContext } from './context.js';

export const tokensAdminOptions = {
  username: { type: 'string' },
  ttl: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Longest an admin API token made here may live: it skips the sign-in page, so it should not outlive a working session. */
const MAX_ADMIN_TOKEN_TTL = 12 * 3600;

/**
 * `tokens admin --username U`: an access token for the admin API, as the
 * console would get when that administrator signs in, for scripts and curl.
 * Whoever can run the CLI can already change the database, so this grants nothing new.
 */
export async function tokensAdminCommand(ctx: CliContext, values: { username?: string; ttl?: string; json?: boolean }) {
  if (!values.username) throw new UsageError('--username is required: the administrator the token acts for');
  const ttl = parseSeconds('ttl', values.ttl, parseDuration) ?? 3600;
  if (ttl > MAX_ADMIN_TOKEN_TTL) throw new UsageError('--ttl must be at most 12h');
  const user = await ctx.storage.users.getByUsername(values.username);
  if (!user) throw new UsageError(`no user is named ${values.username}`);
  if (!user.admin || user.disabledAt !== null) throw new UsageError(`${user.username} is not an active administrator`);
  const client = await ctx.storage.clients.get(CONSOLE_CLIENT_ID);
  if (!client || client.status !== 'active') throw new UsageError('the console client is missing or revoked: run setup');

  const issuer = new TokenIssuer(ctx.storage, ctx.config.lifetimes, createMetrics());
  const body = await issuer.issueAccessToken({
    client: { ...client, accessTokenTtl: ttl }, userId: user.id, scopes: ['openid', ADMIN_SCOPE], grantType: 'cli', sourceAddress: 'cli',
  });
  await audit(ctx.storage, ctx.actor, 'token.issue_admin', { type: 'user', id: user.id }, Date.now(), { expires_in: body.expires_in });
  if (values.json) {
    ctx.out(JSON.stringify({ access_token: body.access_token, token_type: 'Bearer', expires_in: body.expires_in, scope: body.scope, username: user.username }, null, 2));
    return;
  }
  ctx.out(body.access_token);
}
