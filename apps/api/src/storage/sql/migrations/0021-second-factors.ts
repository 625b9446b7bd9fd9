import { sql, type Kysely } from 'kysely';

/**
 * Second factors: a TOTP secret per user (sealed, since it must be read back
 * to verify a code; `last_step` is the newest time step used, so a code counts
 * once), recovery codes (hashes), WebAuthn credentials (public keys and their
 * signature counters). How each session and code was authenticated (`amr`,
 * `acr`), and the per-user "must use a second factor" policy.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('totp_factors')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('last_step', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint')
    .execute();
  await db.schema.createTable('recovery_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('recovery_codes_user_id').on('recovery_codes').column('user_id').execute();
  await db.schema.createTable('webauthn_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('device_type', 'text', (c) => c.notNull())
    .addColumn('backed_up', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('webauthn_credentials_user_id').on('webauthn_credentials').column('user_id').execute();
  await db.schema.alterTable('users').addColumn('mfa_required', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sessions').addColumn('amr', 'text', (c) => c.notNull().defaultTo(sql.lit('["pwd"]'))).execute();
  await db.schema.alterTable('authorization_codes').addColumn('amr', 'text').execute();
  await db.schema.alterTable('authorization_codes').addColumn('acr', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('authorization_codes').dropColumn('acr').execute();
  await db.schema.alterTable('authorization_codes').dropColumn('amr').execute();
  await db.schema.alterTable('sessions').dropColumn('amr').execute();
  await db.schema.alterTable('users').dropColumn('mfa_required').execute();
  await db.schema.dropTable('webauthn_credentials').execute();
  await db.schema.dropTable('recovery_codes').execute();
  await db.schema.dropTable('totp_factors').execute();
}
