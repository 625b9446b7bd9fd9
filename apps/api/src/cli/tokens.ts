import { audit } from '../admin/actor.js';
import { parseDuration } from '../config.js';
import { createMetrics } from '../http/metrics.js';
import { TokenIssuer } from '../oauth/tokens/issue.js';
import { ADMIN_SCOPE, CONSOLE_CLIENT_ID } from '../setup/bootstrap.js';
import { defineCommand, jsonOption } from './command.js';
import { parseSeconds, UsageError } from './context.js';

/** Longest an admin API token made here may live: it skips the sign-in page, so it should not outlive a working session. */
const MAX_ADMIN_TOKEN_TTL = 12 * 3600;

// Whoever can run the CLI can already change the database, so this grants nothing new.
const tokensAdmin = defineCommand({
  name: 'tokens admin',
  summary: 'Print an admin API access token for an administrator, for scripts and curl.',
  description: [
    'Mints an access token for the admin API, as the console gets when that administrator signs in (scopes openid and oauth-admin, '
      + 'on the console\'s client), without a password: whoever can run the CLI can change the database anyway. '
      + 'The administrator must be active. Audited as token.issue_admin.',
    'Prints the token alone, so ADMIN_TOKEN=$(… tokens admin --username admin) works; --json adds its lifetime and scope.',
  ],
  options: {
    username: { type: 'string', value: 'NAME', required: true, description: 'The administrator the token acts for (any case).' },
    ttl: { type: 'string', value: 'DURATION', description: 'How long the token lives (3600, 15m, 1h); default 1h, at most 12h.' },
    json: jsonOption,
  },
  examples: ['tokens admin --username admin --ttl 15m'],
  async run(ctx, values) {
    if (!values.username) throw new UsageError('--username is required: the administrator the token acts for');
    const ttl = parseSeconds('ttl', values.ttl, parseDuration) ?? 3600;
    if (ttl > MAX_ADMIN_TOKEN_TTL) throw new UsageError('--ttl must be at most 12h');
    const user = await ctx.storage.users.getByUsername(values.username);
    if (!user) throw new UsageError(`no user is named ${values.username}`);
    if (!user.admin || user.disabledAt !== null) throw new UsageError(`${user.username} is not an active administrator`);
    const client = await ctx.storage.clients.get(CONSOLE_CLIENT_ID);
    if (!client || client.status !== 'active') throw new UsageError(`the console client is missing or revoked: run ${ctx.invocation} setup`);

    const issuer = new TokenIssuer(ctx.storage, ctx.config.lifetimes, createMetrics());
    const body = await issuer.issueAccessToken({
      client: { ...client, accessTokenTtl: ttl }, userId: user.id, scopes: ['openid', ADMIN_SCOPE], grantType: 'cli', sourceAddress: 'cli', dpopJkt: null,
    });
    await audit(ctx.storage, ctx.actor, 'token.issue_admin', { type: 'user', id: user.id }, Date.now(), { expires_in: body.expires_in });
    if (values.json) {
      ctx.out(JSON.stringify({ access_token: body.access_token, token_type: 'Bearer', expires_in: body.expires_in, scope: body.scope, username: user.username }, null, 2));
      return;
    }
    ctx.out(body.access_token);
  },
});

export const tokensCommands = [tokensAdmin];
