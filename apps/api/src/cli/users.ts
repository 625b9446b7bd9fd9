import { createUser } from '../admin/users/service.js';
import { defineCommand, jsonOption } from './command.js';

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

export const usersCommands = [usersCreate];
