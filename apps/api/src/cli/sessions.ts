import { lookUpNames } from '../admin/names.js';
import { endAllUserSessions, endUserSession } from '../admin/sessions/service.js';
import type { User } from '../storage/types.js';
import { defineCommand, jsonOption } from './command.js';
import type { CliContext } from './context.js';
import { table, UsageError } from './context.js';

async function userNamed(ctx: CliContext, username: string): Promise<User> {
  const user = await ctx.storage.users.getByUsername(username);
  if (!user) throw new UsageError(`no user is named ${username}`);
  return user;
}

const sessionsList = defineCommand({
  name: 'sessions list',
  summary: 'List signed-in browsers (sessions), newest first, with the applications each signed in to.',
  description: ['Lists live sessions: their public id (the sid of ID and logout tokens), user, start, last use, address and applications.'],
  options: {
    user: { type: 'string', value: 'USERNAME', description: 'Only this user\'s sessions.' },
    limit: { type: 'string', value: 'N', description: 'At most this many, 1 to 200 (default 50).' },
    json: jsonOption,
  },
  examples: ['sessions list', 'sessions list --user ada --json'],
  async run(ctx, values) {
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UsageError('--limit must be a whole number from 1 to 200');
    const user = values.user === undefined ? undefined : await userNamed(ctx, values.user);
    const page = await ctx.storage.sessions.list({ userId: user?.id, limit }, Date.now());
    const names = await lookUpNames(ctx.storage, { clientIds: page.items.flatMap((s) => s.clientIds), userIds: page.items.map((s) => s.userId) });
    const rows = page.items.map((s) => ({
      id: s.id, username: names.user(s.userId), created_at: new Date(s.createdAt).toISOString(),
      last_used_at: s.lastUsedAt === null ? null : new Date(s.lastUsedAt).toISOString(), source_address: s.sourceAddress,
      user_agent: s.userAgent, clients: s.clientIds.map((id) => ({ client_id: id, client_name: names.client(id) })),
    }));
    if (values.json) {
      ctx.out(JSON.stringify(rows, null, 2));
      return;
    }
    if (rows.length === 0) {
      ctx.out('No live sessions.');
      return;
    }
    ctx.out(table(['SESSION', 'USER', 'STARTED', 'LAST USED', 'ADDRESS', 'APPLICATIONS'], rows.map((r) => [
      r.id, r.username ?? '', r.created_at, r.last_used_at ?? '-', r.source_address ?? '-', r.clients.map((c) => c.client_name ?? c.client_id).join(', ') || '-',
    ])));
  },
});

const sessionsEnd = defineCommand({
  name: 'sessions end',
  summary: 'Sign a user out: one session (--session) or all of them (--all), with back-channel logouts.',
  description: [
    'Ends the session and tells each application it signed in to that registered a back-channel logout URI, by a logout token '
      + 'the running server sends (retried until delivered). The user\'s tokens stay valid; revoke them with tokens revoke-user. '
      + 'Audited as session.end or session.end_all.',
  ],
  arguments: [{ name: 'USERNAME', description: 'The user to sign out (any case).' }],
  options: {
    session: { type: 'string', value: 'SID', description: 'The session to end (see sessions list).' },
    all: { type: 'boolean', description: 'End every session of the user.' },
    json: jsonOption,
  },
  examples: ['sessions end ada --all', 'sessions end ada --session 0b9b6a4e-51d8-4c1e-a0f4-4f9f7a2c3d10'],
  async run(ctx, values, [username]) {
    if ((values.session === undefined) === (values.all !== true)) throw new UsageError('give either --session SID or --all');
    const user = await userNamed(ctx, username!);
    const result = values.all ? await endAllUserSessions(ctx.storage, user.id, ctx.actor) : await endUserSession(ctx.storage, user.id, values.session!, ctx.actor);
    if (values.json) ctx.out(JSON.stringify({ username: user.username, ended: result.ended, logouts_queued: result.logoutsQueued }));
    else ctx.out(`Ended ${result.ended} session(s) of ${user.username}; ${result.logoutsQueued} back-channel logout(s) queued.`);
  },
});

export const sessionsCommands = [sessionsList, sessionsEnd];
