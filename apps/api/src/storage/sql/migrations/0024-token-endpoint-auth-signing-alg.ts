import type { Kysely } from 'kysely';

/**
 * The one algorithm a private_key_jwt client signs its assertions with
 * (`token_endpoint_auth_signing_alg`, RFC 7591 §2; OIDC Dynamic Registration
 * §2): null, as for every existing client, means any algorithm we accept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('clients').addColumn('token_endpoint_auth_signing_alg', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('clients').dropColumn('token_endpoint_auth_signing_alg').execute();
}
