import { sql, type Kysely, type Selectable } from 'kysely';
import { DEFAULT_TOKEN_EXCHANGE_POLICY, type TokenExchangePolicy } from '../types.js';
import type { ApplicationType, Client, ClientListQuery, RegistrationKind, ClientStore, ClientUpdate, GrantType, NewClient, Page, TokenEndpointAuthMethod } from '../types.js';
import type { ClientsTable, Database } from './schema.js';
import { decodeCursor, fromJson, holdsId, InvalidCursorError, likePattern, rethrowConflict, throwIfUnknownResource, toFlag, toJson, toPage } from './helpers.js';
import type { ClientCache } from './client-cache.js';
import type { SqliteHotPath } from './sqlite-hot-path.js';
import { inTransaction } from './transaction.js';
import { revokeExchanged } from './tokens.js';
import { ISSUED_TOKEN_COLUMNS, issueEntryRow } from './audit.js';

function toClient(row: Selectable<ClientsTable>): Client {
  return {
    id: row.id,
    name: row.name,
    siteUrl: row.siteUrl,
    logoUrl: row.logoUrl,
    redirectUris: fromJson<string[]>(row.redirectUris),
    grantTypes: fromJson<GrantType[]>(row.grantTypes),
    scopes: fromJson<string[]>(row.scopes),
    tokenEndpointAuthMethod: row.tokenEndpointAuthMethod as TokenEndpointAuthMethod,
    secretHash: row.secretHash,
    accessTokenTtl: row.accessTokenTtl,
    refreshTokenTtl: row.refreshTokenTtl,
    postLogoutRedirectUris: fromJson<string[]>(row.postLogoutRedirectUris),
    idTokenSigningAlg: row.idTokenSigningAlg as Client['idTokenSigningAlg'],
    backchannelLogoutUri: row.backchannelLogoutUri,
    backchannelLogoutSessionRequired: row.backchannelLogoutSessionRequired === 1,
    applicationType: row.applicationType as ApplicationType,
    policyUrl: row.policyUrl,
    termsUrl: row.termsUrl,
    contacts: fromJson<string[]>(row.contacts),
    softwareId: row.softwareId,
    softwareVersion: row.softwareVersion,
    jwks: row.jwks === null ? null : fromJson<Client['jwks']>(row.jwks),
    jwksUri: row.jwksUri,
    tokenEndpointAuthSigningAlg: row.tokenEndpointAuthSigningAlg as Client['tokenEndpointAuthSigningAlg'],
    registration: {
      kind: row.registrationKind as RegistrationKind,
      initialAccessTokenId: row.registeredWith,
      sourceAddress: row.registeredFrom,
      accessTokenHash: row.registrationAccessTokenHash,
    },
    system: row.system === 1,
    resourceServer: row.resourceServer === 1,
    requirePushedAuthorizationRequests: row.requirePushedAuthorizationRequests === 1,
    allowedResources: row.allowedResources === null ? null : fromJson<string[]>(row.allowedResources),
    resourceId: row.resourceId,
    dpopBoundAccessTokens: row.dpopBoundAccessTokens === 1,
    securityProfile: row.securityProfile as Client['securityProfile'],
    tokenExchange: row.tokenExchange === null ? DEFAULT_TOKEN_EXCHANGE_POLICY : fromJson<TokenExchangePolicy>(row.tokenExchange),
    status: row.status as Client['status'],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    revokedAt: row.revokedAt,
  };
}

type RegistrationDetails = Pick<Client,
  'applicationType' | 'policyUrl' | 'termsUrl' | 'contacts' | 'softwareId' | 'softwareVersion' | 'jwks' | 'jwksUri' | 'tokenEndpointAuthSigningAlg' | 'registration'>;

const ADMIN_DEFAULTS: RegistrationDetails = {
  applicationType: 'web', policyUrl: null, termsUrl: null, contacts: [], softwareId: null, softwareVersion: null, jwks: null, jwksUri: null, tokenEndpointAuthSigningAlg: null,
  registration: { kind: 'admin', initialAccessTokenId: null, sourceAddress: null, accessTokenHash: null },
};

/** The given fields without those set to undefined, so spreading them over defaults keeps the defaults. */
function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function registrationDetails(client: NewClient): RegistrationDetails {
  const { applicationType, policyUrl, termsUrl, contacts, softwareId, softwareVersion, jwks, jwksUri, tokenEndpointAuthSigningAlg, registration } = client;
  return {
    ...ADMIN_DEFAULTS,
    ...definedOnly({ applicationType, policyUrl, termsUrl, contacts, softwareId, softwareVersion, jwks, jwksUri, tokenEndpointAuthSigningAlg, registration }),
  };
}

/** The columns of whichever registration details are given. */
function registrationColumns(details: Partial<RegistrationDetails>) {
  const { contacts, jwks, registration, ...plain } = details;
  return {
    ...plain,
    ...(contacts && { contacts: toJson(contacts) }),
    ...(jwks !== undefined && { jwks: jwks === null ? null : toJson(jwks) }),
    ...(registration && {
      registrationKind: registration.kind,
      registeredWith: registration.initialAccessTokenId,
      registeredFrom: registration.sourceAddress,
      registrationAccessTokenHash: registration.accessTokenHash,
    }),
  };
}

/** The client cache, and how a write tells other processes' caches about itself. */
export interface ClientChangeFeed {
  cache: ClientCache;
  /** Inside the writing transaction, so the notice goes out only if it commits. */
  notify(trx: Kysely<Database>, id: string): Promise<void>;
}

export class SqlClientStore implements ClientStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly hot?: SqliteHotPath,
    private readonly feed?: ClientChangeFeed,
  ) {}

  /** Runs a write with its change notice in one transaction. */
  private write<T>(id: string, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    if (!this.feed) return fn(this.db);
    const feed = this.feed;
    return inTransaction(this.db, async (trx) => {
      const result = await fn(trx);
      await feed.notify(trx, id);
      feed.cache.invalidate(id);
      return result;
    });
  }

  async create(client: NewClient, now: number): Promise<Client> {
    const row = {
      id: client.id,
      name: client.name,
      siteUrl: client.siteUrl,
      logoUrl: client.logoUrl,
      redirectUris: toJson(client.redirectUris),
      grantTypes: toJson(client.grantTypes),
      scopes: toJson(client.scopes),
      tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
      secretHash: client.secretHash,
      accessTokenTtl: client.accessTokenTtl,
      refreshTokenTtl: client.refreshTokenTtl,
      postLogoutRedirectUris: toJson(client.postLogoutRedirectUris),
      idTokenSigningAlg: client.idTokenSigningAlg,
      backchannelLogoutUri: client.backchannelLogoutUri ?? null,
      backchannelLogoutSessionRequired: toFlag(client.backchannelLogoutSessionRequired ?? false),
      // Every detail is given here (defaults fill the gaps), so every column is.
      ...(registrationColumns(registrationDetails(client)) as Required<ReturnType<typeof registrationColumns>>),
      system: toFlag(client.system),
      resourceServer: toFlag(client.resourceServer),
      requirePushedAuthorizationRequests: toFlag(client.requirePushedAuthorizationRequests ?? false),
      allowedResources: client.allowedResources ? toJson(client.allowedResources) : null,
      resourceId: client.resourceId ?? null,
      dpopBoundAccessTokens: toFlag(client.dpopBoundAccessTokens ?? false),
      securityProfile: client.securityProfile ?? null,
      tokenExchange: client.tokenExchange ? toJson(client.tokenExchange) : null,
      status: 'active',
      createdAt: now,
      updatedAt: now,
      revokedAt: null,
    };
    try {
      await this.write(client.id, (db) => db.insertInto('clients').values(row).execute());
    } catch (error) {
      throwIfUnknownResource(error);
      rethrowConflict(error, `a client with id ${client.id} already exists`, 'id');
    }
    return toClient(row);
  }

  async get(id: string): Promise<Client | null> {
    // Inside a transaction a read may see its own uncommitted write: never cache that.
    if (this.feed && !this.db.isTransaction) return this.feed.cache.get(id, () => this.load(id));
    return this.load(id);
  }

  private async load(id: string): Promise<Client | null> {
    const row = this.hot
      ? await this.hot.client(id)
      : await this.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toClient(row) : null;
  }

  async list(query: ClientListQuery): Promise<Page<Client>> {
    const sortColumn = query.sort === 'name' ? 'name' : 'createdAt';
    const order = query.order ?? (sortColumn === 'name' ? 'asc' : 'desc');
    let q = this.db.selectFrom('clients').selectAll();
    if (query.status) q = q.where('status', '=', query.status);
    if (query.registrationKind) q = q.where('registrationKind', '=', query.registrationKind);
    if (query.resourceId) q = q.where('resourceId', '=', query.resourceId);
    if (query.allowedResource) {
      const allowed = query.allowedResource;
      q = q.where((eb) => eb.or([eb('allowedResources', 'is', null), holdsId('allowedResources', allowed)]));
    }
    if (query.search) {
      const pattern = likePattern(query.search);
      q = q.where((eb) => eb.or([
        eb(sql`lower(name)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(id)`, 'like', sql`${pattern} escape '\\'`),
      ]));
    }
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      // A cursor from a list in another order would compare text with numbers: refuse it.
      const fits = sortColumn === 'name' ? typeof cursor.value === 'string' : typeof cursor.value === 'number' && Number.isSafeInteger(cursor.value);
      if (!fits) throw new InvalidCursorError();
      const cmp = order === 'asc' ? '>' : '<';
      q = q.where((eb) => eb.or([
        eb(sortColumn, cmp, cursor.value as never),
        eb.and([eb(sortColumn, '=', cursor.value as never), eb('id', cmp, cursor.id)]),
      ]));
    }
    const rows = await q.orderBy(sortColumn, order).orderBy('id', order).limit(query.limit + 1).execute();
    return toPage(rows, query.limit, toClient, (row) => ({ value: row[sortColumn], id: row.id }));
  }

  async resourceServerIds(resourceIds: readonly string[]): Promise<Map<string, string[]>> {
    const linked = new Map(resourceIds.map((id) => [id, [] as string[]]));
    if (resourceIds.length === 0) return linked;
    const rows = await this.db.selectFrom('clients').select(['id', 'resourceId'])
      .where('resourceId', 'in', [...new Set(resourceIds)]).orderBy('name').orderBy('id').execute();
    for (const row of rows) linked.get(row.resourceId!)?.push(row.id);
    return linked;
  }

  async update(id: string, changes: ClientUpdate, now: number): Promise<Client | null> {
    const {
      redirectUris, grantTypes, scopes, resourceServer, requirePushedAuthorizationRequests, postLogoutRedirectUris, allowedResources, dpopBoundAccessTokens,
      backchannelLogoutSessionRequired, tokenExchange,
      applicationType, policyUrl, termsUrl, contacts, softwareId, softwareVersion, jwks, jwksUri, tokenEndpointAuthSigningAlg, registration, ...plain
    } = changes;
    const details = definedOnly({ applicationType, policyUrl, termsUrl, contacts, softwareId, softwareVersion, jwks, jwksUri, tokenEndpointAuthSigningAlg, registration });
    const row = await this.write(id, (db) => db.updateTable('clients')
      .set({
        ...plain,
        ...(redirectUris && { redirectUris: toJson(redirectUris) }),
        ...(grantTypes && { grantTypes: toJson(grantTypes) }),
        ...(scopes && { scopes: toJson(scopes) }),
        ...(postLogoutRedirectUris && { postLogoutRedirectUris: toJson(postLogoutRedirectUris) }),
        ...(resourceServer !== undefined && { resourceServer: toFlag(resourceServer) }),
        ...(dpopBoundAccessTokens !== undefined && { dpopBoundAccessTokens: toFlag(dpopBoundAccessTokens) }),
        ...(requirePushedAuthorizationRequests !== undefined && { requirePushedAuthorizationRequests: toFlag(requirePushedAuthorizationRequests) }),
        ...(backchannelLogoutSessionRequired !== undefined && { backchannelLogoutSessionRequired: toFlag(backchannelLogoutSessionRequired) }),
        ...(allowedResources !== undefined && { allowedResources: allowedResources === null ? null : toJson(allowedResources) }),
        ...(tokenExchange !== undefined && { tokenExchange: toJson(tokenExchange) }),
        ...registrationColumns(details),
        updatedAt: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst()).catch((error: unknown) => {
      throwIfUnknownResource(error);
      throw error;
    });
    return row ? toClient(row) : null;
  }

  rotateRegistrationAccessToken(id: string, expectedHash: string, newHash: string | null, now: number): Promise<boolean> {
    return this.write(id, async (db) => {
      const result = await db.updateTable('clients')
        .set({ registrationAccessTokenHash: newHash, updatedAt: now })
        .where('id', '=', id).where('status', '=', 'active').where('registrationAccessTokenHash', '=', expectedHash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    });
  }

  revoke(id: string, now: number): Promise<boolean> {
    return this.write(id, (db) => inTransaction(db, async (trx) => {
      const revoked = await trx.updateTable('clients')
        .set({ status: 'revoked', revokedAt: now, updatedAt: now })
        .where('id', '=', id)
        .where('status', '!=', 'revoked')
        .executeTakeFirst();
      if (Number(revoked.numUpdatedRows) === 0) return false;
      await trx.updateTable('tokens').set({ revokedAt: now })
        .where('clientId', '=', id).where('revokedAt', 'is', null).execute();
      // Tokens other clients exchanged from this client's die with them.
      await revokeExchanged(trx, (eb) => eb.selectFrom('tokens').select('id').where('clientId', '=', id), now);
      await trx.updateTable('authorizationCodes').set({ consumedAt: now })
        .where('clientId', '=', id).where('consumedAt', 'is', null).execute();
      await trx.updateTable('consents').set({ revokedAt: now, updatedAt: now })
        .where('clientId', '=', id).where('revokedAt', 'is', null).execute();
      return true;
    }));
  }

  delete(id: string): Promise<boolean> {
    return this.write(id, (db) => inTransaction(db, async (trx) => {
      const client = await trx.selectFrom('clients').select('status').where('id', '=', id).executeTakeFirst();
      if (client?.status !== 'revoked') return false;
      const tokens = await trx.deleteFrom('tokens').where('clientId', '=', id).returning([...ISSUED_TOKEN_COLUMNS]).execute();
      const kept = tokens.filter((row) => row.grantType !== null).map(issueEntryRow);
      if (kept.length > 0) await trx.insertInto('auditLog').values(kept).onConflict((oc) => oc.column('id').doNothing()).execute();
      await trx.deleteFrom('authorizationCodes').where('clientId', '=', id).execute();
      await trx.deleteFrom('consents').where('clientId', '=', id).execute();
      await trx.deleteFrom('interactions').where('clientId', '=', id).execute();
      await trx.deleteFrom('browserGrants').where('clientId', '=', id).execute();
      await trx.deleteFrom('pushedRequests').where('clientId', '=', id).execute();
      const deleted = await trx.deleteFrom('clients').where('id', '=', id).where('status', '=', 'revoked').executeTakeFirst();
      return Number(deleted.numDeletedRows) === 1;
    }));
  }

  async names(ids: string[]): Promise<{ id: string; name: string }[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    return this.db.selectFrom('clients').select(['id', 'name']).where('id', 'in', unique).execute();
  }
}
