import { z } from 'zod';

export const username = z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'may hold letters, digits and . _ @ - and must start with a letter or digit');

/** NIST SP 800-63B: at least 8 characters, long passphrases welcome. */
export const password = z.string().min(8, 'must be at least 8 characters').max(1024, 'must be at most 1024 characters');

export const createUserInput = z.object({
  username,
  password,
  displayName: z.string().trim().min(1).max(200).nullable().default(null),
  email: z.email('must be an email address').max(320).nullable().default(null),
  admin: z.boolean().default(false),
  /** Set when someone other than the user chose the password. */
  passwordMustChange: z.boolean().default(false),
}).strict();

export type CreateUserInput = z.input<typeof createUserInput>;
