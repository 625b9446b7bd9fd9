import { createUser } from '../admin/users/service.js';
import type { CliContext } from './context.js';

export const usersCreateOptions = {
  username: { type: 'string' },
  password: { type: 'string' },
  email: { type: 'string' },
  name: { type: 'string' },
  admin: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** `users create`: a user name taken in any case is refused (exit 2). */
export async function usersCreateCommand(ctx: CliContext, values: { username?: string; password?: string; email?: string; name?: string; admin?: boolean; json?: boolean }) {
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
}
