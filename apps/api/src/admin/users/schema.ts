import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../../oauth/users/password-sign-in.js';
import type { User } from '../../storage/types.js';
import { displayText, pageOf, pageQuery, requestSchema, responseSchema, time, toTime, toTimeOrNull } from '../http/schemas.js';

export const username = z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'may hold letters, digits and . _ @ - and must start with a letter or digit');

/** NIST SP 800-63B: at least 8 characters, long passphrases welcome. */
export const password = z.string().min(8, 'must be at least 8 characters').max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const createUserInput = z.object({
  username,
  password,
  displayName: displayText(z.string().trim().min(1).max(200)).nullable().default(null),
  email: z.email('must be an email address').max(320).nullable().default(null),
  admin: z.boolean().default(false),
  /** Set when someone other than the user chose the password. */
  passwordMustChange: z.boolean().default(false),
  mfaRequired: z.boolean().default(false).meta({ description: 'The user must sign in with a second factor, and set one up at the next sign-in when they have none.' }),
}).strict();

export type CreateUserInput = z.input<typeof createUserInput>;

/** A user as the admin API shows it: never the password hash. */
export const userView = responseSchema('User', z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  admin: z.boolean(),
  passwordMustChange: z.boolean(),
  mfaRequired: z.boolean().meta({ description: 'This user must use a second factor (administrators also must when ADMIN_MFA_REQUIRED is true).' }),
  status: z.enum(['active', 'disabled']),
  disabledAt: time.nullable(),
  createdAt: time,
  updatedAt: time,
}));
export type UserView = z.output<typeof userView>;

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    admin: user.admin,
    passwordMustChange: user.passwordMustChange,
    mfaRequired: user.mfaRequired,
    status: user.disabledAt === null ? 'active' : 'disabled',
    disabledAt: toTimeOrNull(user.disabledAt),
    createdAt: toTime(user.createdAt),
    updatedAt: toTime(user.updatedAt),
  };
}

export const userPage = responseSchema('UserPage', pageOf(userView));

export const listUsersQuery = z.object({
  search: z.string().trim().min(1).max(200).optional().meta({ description: 'Part of the user name, display name or email (case-insensitive).' }),
  ...pageQuery,
}).strict();

/** An administrator choosing someone's password: by default they must change it at their next sign-in. */
export const createUserRequest = requestSchema('CreateUserRequest', createUserInput.extend({
  passwordMustChange: z.boolean().default(true),
}).strict());

/** The fields an administrator may change on a user; null clears one. */
export const updateUserRequest = requestSchema('UpdateUserRequest', z.object({
  displayName: displayText(z.string().trim().min(1, 'must not be empty: send null to clear it').max(200, 'must be at most 200 characters')).nullable().optional()
    .meta({ description: 'The name shown to people; null clears it.' }),
  email: z.email('Enter an email address, such as ada@example.com').max(320, 'must be at most 320 characters').nullable().optional()
    .meta({ description: 'null clears it.' }),
  mfaRequired: z.boolean().optional().meta({ description: 'Whether the user must sign in with a second factor.' }),
}).strict());
export type UpdateUserRequest = z.output<typeof updateUserRequest>;

export const userDeletion = responseSchema('UserDeletion', z.object({
  revokedTokens: z.number().int().meta({ description: 'Their live tokens, deleted with them.' }),
  revokedConsents: z.number().int(),
  endedSessions: z.number().int(),
}));

export const resetPasswordRequest = requestSchema('ResetPasswordRequest', z.object({
  password: password.optional().meta({ description: 'The new password; left out, the server generates one and answers it this once.' }),
}).strict());

export const passwordReset = responseSchema('PasswordReset', z.object({
  user: userView,
  password: z.string().nullable().meta({ description: 'The generated password, shown this once; null when the request chose it.' }),
  revokedTokens: z.number().int(),
  endedSessions: z.number().int(),
}));

export const userStatusChange = responseSchema('UserStatusChange', z.object({
  user: userView,
  revokedTokens: z.number().int(),
  endedSessions: z.number().int(),
}));

/** A user's second factors as an administrator sees them: which, never a secret. */
export const secondFactorsView = responseSchema('SecondFactors', z.object({
  totp: z.boolean().meta({ description: 'An authenticator app (TOTP) is set up.' }),
  passkeys: z.array(z.object({ id: z.string(), name: z.string(), createdAt: time, lastUsedAt: time.nullable() })),
  recoveryCodes: z.number().int().meta({ description: 'Unused recovery codes left.' }),
}));

export const secondFactorsReset = responseSchema('SecondFactorsReset', z.object({
  totp: z.boolean().meta({ description: 'An authenticator app was removed.' }),
  passkeys: z.number().int().meta({ description: 'Passkeys and security keys removed.' }),
  recoveryCodes: z.number().int().meta({ description: 'Unused recovery codes removed.' }),
}));
