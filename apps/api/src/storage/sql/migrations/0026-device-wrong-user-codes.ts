import { sql, type Kysely } from 'kysely';

/**
 * A count of the wrong user codes entered at the device verification page by
 * anyone, from any address (`device_wrong_user_codes`, one row), and on each
 * device authorization the count when it was created
 * (`device_authorizations.wrong_user_codes_at_start`): the difference is how
 * many guesses its user code has stood, so it can be retired after a fixed
 * number however many addresses they came from (RFC 8628 §5.1). Rows from
 * before this migration start at 0, as the count does.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('device_wrong_user_codes')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into device_wrong_user_codes (id, count) values (1, 0)`.execute(db);
  await db.schema.alterTable('device_authorizations').addColumn('wrong_user_codes_at_start', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('device_authorizations').dropColumn('wrong_user_codes_at_start').execute();
  await db.schema.dropTable('device_wrong_user_codes').execute();
}
