import { NotFoundError } from '../errors.js';
import { defineRoute, type AdminRoute } from '../http/route.js';
import { idParams, revokedCount } from '../http/schemas.js';
import { revokeUserTokens } from '../tokens/service.js';
import {
  createUserRequest, listUsersQuery, passwordReset, resetPasswordRequest, secondFactorsReset, secondFactorsView, toUserView, updateUserRequest, userDeletion,
  userPage, userStatusChange, userView,
} from './schema.js';
import { createUser, deleteUser, disableUser, enableUser, resetPassword, resetSecondFactors, setAdmin, updateUser } from './service.js';
import { toTime, toTimeOrNull } from '../http/schemas.js';

export const userRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/users', operationId: 'listUsers', tag: 'users',
    summary: 'List users',
    description: 'In user-name order, optionally only those whose user name, display name or email contains `search`.',
    query: listUsersQuery,
    response: userPage,
    async handle({ query, storage }) {
      const page = await storage.users.list(query);
      return { items: page.items.map(toUserView), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'post', path: '/users', operationId: 'createUser', tag: 'users',
    summary: 'Create a user',
    description: 'User names are unique regardless of case (409). The user must change the password at first sign-in unless `passwordMustChange` is false.',
    body: createUserRequest,
    status: 201,
    response: userView,
    errors: [409],
    async handle({ body, actor, storage }) {
      return toUserView(await createUser(storage, body, actor));
    },
  }),
  defineRoute({
    method: 'get', path: '/users/:id', operationId: 'getUser', tag: 'users',
    summary: 'Get a user',
    params: idParams,
    response: userView,
    errors: [404],
    async handle({ params, storage }) {
      const user = await storage.users.get(params.id);
      if (!user) throw new NotFoundError(`no user has id ${params.id}`);
      return toUserView(user);
    },
  }),
  defineRoute({
    method: 'patch', path: '/users/:id', operationId: 'updateUser', tag: 'users',
    summary: 'Change a user\'s name, email or second-factor requirement',
    description: 'Only the fields sent change; null clears one. Audited with each change as before and after.',
    params: idParams,
    body: updateUserRequest,
    response: userView,
    errors: [404],
    async handle({ params, body, actor, storage }) {
      return toUserView(await updateUser(storage, params.id, body, actor));
    },
  }),
  defineRoute({
    method: 'delete', path: '/users/:id', operationId: 'deleteUser', tag: 'users',
    summary: 'Delete a user',
    description: 'With their tokens, consents, sessions and codes, in one transaction; the audit log keeps who they were. '
      + 'Refused (409) for the administrator asking and for the last active administrator.',
    params: idParams,
    response: userDeletion,
    errors: [404, 409],
    async handle({ params, actor, storage }) {
      return deleteUser(storage, params.id, actor);
    },
  }),
  defineRoute({
    method: 'post', path: '/users/:id/disable', operationId: 'disableUser', tag: 'users',
    summary: 'Disable a user',
    description: 'Revokes their tokens and ends their sessions in the same transaction. The last active administrator answers 409; '
      + 'a disabled user is left as is.',
    params: idParams,
    response: userStatusChange,
    errors: [404, 409],
    async handle({ params, actor, storage }) {
      const change = await disableUser(storage, params.id, actor);
      return { ...change, user: toUserView(change.user) };
    },
  }),
  defineRoute({
    method: 'post', path: '/users/:id/enable', operationId: 'enableUser', tag: 'users',
    summary: 'Enable a disabled user',
    params: idParams,
    response: userView,
    errors: [404],
    async handle({ params, actor, storage }) {
      return toUserView(await enableUser(storage, params.id, actor));
    },
  }),
  defineRoute({
    method: 'post', path: '/users/:id/reset-password', operationId: 'resetPassword', tag: 'users',
    summary: 'Reset a user\'s password',
    description: 'Sets the given password, or a generated one answered this once; the user must change it at the next sign-in. '
      + 'Their tokens are revoked and their sessions ended.',
    params: idParams,
    body: resetPasswordRequest,
    response: passwordReset,
    errors: [404],
    async handle({ params, body, actor, storage }) {
      const reset = await resetPassword(storage, params.id, body.password, actor);
      return { ...reset, user: toUserView(reset.user) };
    },
  }),
  defineRoute({
    method: 'put', path: '/users/:id/admin', operationId: 'grantAdmin', tag: 'users',
    summary: 'Make a user an administrator',
    params: idParams,
    response: userView,
    errors: [404],
    async handle({ params, actor, storage }) {
      return toUserView(await setAdmin(storage, params.id, true, actor));
    },
  }),
  defineRoute({
    method: 'delete', path: '/users/:id/admin', operationId: 'removeAdmin', tag: 'users',
    summary: 'Remove a user\'s administrator rights',
    description: 'Never from the last active administrator (409). Their tokens stop working for this API at once.',
    params: idParams,
    response: userView,
    errors: [404, 409],
    async handle({ params, actor, storage }) {
      return toUserView(await setAdmin(storage, params.id, false, actor));
    },
  }),
  defineRoute({
    method: 'get', path: '/users/:id/second-factors', operationId: 'getUserSecondFactors', tag: 'users',
    summary: 'A user\'s second factors',
    description: 'Whether an authenticator app is set up, their passkeys, and how many recovery codes are left; never a secret.',
    params: idParams,
    response: secondFactorsView,
    errors: [404],
    async handle({ params, storage }) {
      if (!(await storage.users.get(params.id))) throw new NotFoundError(`no user has id ${params.id}`);
      const [summary, passkeys] = await Promise.all([storage.factors.summary(params.id), storage.factors.listCredentials(params.id)]);
      return {
        totp: summary.totp, recoveryCodes: summary.recoveryCodes,
        passkeys: passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: toTime(p.createdAt), lastUsedAt: toTimeOrNull(p.lastUsedAt) })),
      };
    },
  }),
  defineRoute({
    method: 'post', path: '/users/:id/second-factors/reset', operationId: 'resetUserSecondFactors', tag: 'users',
    summary: 'Remove every second factor of a user',
    description: 'For a user who lost their phone or security key: their authenticator app, passkeys and recovery codes are removed, audited. '
      + 'If they must use a second factor, their next sign-in asks them to set one up.',
    params: idParams,
    response: secondFactorsReset,
    errors: [404],
    async handle({ params, actor, storage }) {
      return resetSecondFactors(storage, params.id, actor);
    },
  }),
  defineRoute({
    method: 'post', path: '/users/:id/tokens/revoke', operationId: 'revokeUserTokens', tag: 'tokens',
    summary: 'Revoke every token of a user',
    description: 'The user stays enabled.',
    params: idParams,
    response: revokedCount,
    errors: [404],
    async handle({ params, actor, storage }) {
      return { revoked: await revokeUserTokens(storage, params.id, actor) };
    },
  }),
];
