import { resetPasswordRequest } from '../admin/users/schema.js';
import { createUser, resetPassword, resetSecondFactors } from '../admin/users/service.js';
import { parseOrThrow } from '../admin/validation.js';
import { defineCommand, jsonOption } from './command.js';
import { UsageError } from './context.js';

const usersCreate = defineCommand({
  name: 'users create',
  summary: 'Create a user, or an administrator with --admin.',
  description: [
    'Creates a user who signs in on Tollgate\'s login page. User names are unique regardless of case; passwords need 8 characters or more.',
  ],
  options: {
    username: { type: 'string', value: 'NAME', required: true, description: 'The name the user signs in with.' },
    password: { type: 'string', value: 'PASSWORD', required: true, description: 'The user\'s password, 8 characters or more.' },
    admin: { type: 'boolean', description: 'Make the user an administrator, who may sign in to the console.' },
    email: { type: 'string', value: 'EMAIL', description: 'The email address userinfo and ID tokens give with the email scope (never marked verified).' },
    name: { type: 'string', value: 'TEXT', field: 'displayName', description: 'The display name, as ID tokens and userinfo give it with the profile scope.' },
    json: jsonOption,
  },
  examples: ['users create --username ada --password "correct horse battery" --email ada@example.com --name "Ada Lovelace"'],
  async run(ctx, values) {
    const user = await createUser(ctx.storage, {
      username: values.username ?? '',
      password: values.password ?? '',
      email: values.email ?? null,
      displayName: values.name ?? null,
      admin: values.admin ?? false,
    }, ctx.actor);
    if (values.json) {
      ctx.out(JSON.stringify({ id: user.id, username: user.username, display_name: user.displayName, email: user.email, admin: user.admin }, null, 2));
    } else {
      ctx.out(`Created ${user.admin ? 'administrator' : 'user'} ${user.username} (${user.id})`);
    }
  },
});

/** The way back in for an administrator whose password is lost: whoever runs the CLI can change the database anyway. */
const usersResetPassword = defineCommand({
  name: 'users reset-password',
  summary: 'Give a user a new password (generated unless given), to be changed at the next sign-in.',
  description: [
    'Sets a new password for the user, generated and printed this once unless --password gives one. '
      + 'The user must choose another at the next sign-in; their tokens are revoked and their sessions ended. '
      + 'This is how an administrator who lost their password gets back in. Audited as user.password_reset.',
  ],
  arguments: [{ name: 'USERNAME', description: 'The user whose password to reset (any case).' }],
  options: {
    password: { type: 'string', value: 'PASSWORD', description: 'The new password, 8 characters or more. Default: a generated one, printed this once.' },
    json: jsonOption,
  },
  examples: ['users reset-password admin'],
  async run(ctx, values, [username]) {
    const { password } = parseOrThrow(resetPasswordRequest, { password: values.password });
    const user = await ctx.storage.users.getByUsername(username!);
    if (!user) throw new UsageError(`no user is named ${username}`);
    const reset = await resetPassword(ctx.storage, user.id, password, ctx.actor);
    if (values.json) {
      ctx.out(JSON.stringify({
        username: user.username, password: reset.password ?? undefined, revoked_tokens: reset.revokedTokens, ended_sessions: reset.endedSessions,
      }, null, 2));
      return;
    }
    ctx.out(`Reset the password of ${user.username}: ${reset.revokedTokens} token(s) revoked, ${reset.endedSessions} session(s) ended.`);
    if (reset.password !== null) ctx.out(`New password (shown this once): ${reset.password}`);
    ctx.out(`${user.username} must choose another at the next sign-in${user.disabledAt !== null ? ', and is disabled: an administrator must enable the account first' : ''}.`);
  },
});

/** For a user who lost their phone or security key, and for an administrator locked out by ADMIN_MFA_REQUIRED. */
const usersResetMfa = defineCommand({
  name: 'users reset-mfa',
  summary: 'Remove every second factor of a user (authenticator app, passkeys, recovery codes).',
  description: [
    'For a user who lost their phone or security key: their authenticator app, passkeys and recovery codes are removed. '
      + 'They sign in with their password alone, or, if they must use a second factor, set one up at the next sign-in. '
      + 'Their sessions are left as they are. Audited as user.second_factors_reset.',
  ],
  arguments: [{ name: 'USERNAME', description: 'The user whose second factors to remove (any case).' }],
  options: { json: jsonOption },
  examples: ['users reset-mfa ada'],
  async run(ctx, values, [username]) {
    const user = await ctx.storage.users.getByUsername(username!);
    if (!user) throw new UsageError(`no user is named ${username}`);
    const removed = await resetSecondFactors(ctx.storage, user.id, ctx.actor);
    if (values.json) {
      ctx.out(JSON.stringify({ username: user.username, totp: removed.totp, passkeys: removed.passkeys, recovery_codes: removed.recoveryCodes }, null, 2));
      return;
    }
    ctx.out(`Removed the second factors of ${user.username}: authenticator app ${removed.totp ? 'removed' : 'none'}, `
      + `${removed.passkeys} passkey(s), ${removed.recoveryCodes} unused recovery code(s).`);
  },
});

export const usersCommands = [usersCreate, usersResetPassword, usersResetMfa];
