import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { ConflictError, type AccessTokenFormat, type NewResource, type Page, type Resource, type ResourceListQuery, type ResourceStore, type ResourceUpdate, type SigningAlgorithm } from '../types.js';
import type { ClientChangeFeed } from './clients.js';
import type { Database, ResourcesTable } from './schema.js';
import { decodeCursor, fromJson, holdsId, InvalidCursorError, likePattern, rethrowConflict, toFlag, toJson, toPage } from './helpers.js';
import { inTransaction } from './transaction.js';

function toResource(row: Selectable<ResourcesTable>, scopes: string[]): Resource {
  return {
    id: row.id,
    identifier: row.identifier,
    name: row.name,
    scopes,
    tokenFormat: row.tokenFormat as AccessTokenFormat,
    accessTokenTtl: row.accessTokenTtl,
    signingAlg: row.signingAlg as SigningAlgorithm,
    isDefault: row.isDefault === 1,
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
  };
}

const sorted = (scopes: string[]) => [...new Set(scopes)].sort();

/** The key the APIs are cached and announced under: no client id starts with a space. */
export const RESOURCES_KEY = ' resources';

/** Every API, frozen: the cached list is shared by every caller. */
type AllResources = readonly Readonly<Resource>[];

export class SqlResourceStore implements ResourceStore {
  constructor(private readonly db: Kysely<Database>, private readonly feed?: ClientChangeFeed) {}

  /** The resources of these rows, their scopes read in one query. */
  private async withScopes(db: Kysely<Database>, rows: Selectable<ResourcesTable>[]): Promise<Resource[]> {
    if (rows.length === 0) return [];
    const scopeRows = await db.selectFrom('resourceScopes').select(['resourceId', 'scope'])
      .where('resourceId', 'in', rows.map((row) => row.id)).orderBy('scope').execute();
    const byResource = new Map<string, string[]>();
    for (const { resourceId, scope } of scopeRows) {
      const list = byResource.get(resourceId);
      if (list) list.push(scope);
      else byResource.set(resourceId, [scope]);
    }
    return rows.map((row) => toResource(row, byResource.get(row.id) ?? []));
  }

  private async one(db: Kysely<Database>, row: Selectable<ResourcesTable> | undefined): Promise<Resource | null> {
    return row ? (await this.withScopes(db, [row]))[0]! : null;
  }

  private async all(): Promise<AllResources> {
    const load = async () => {
      const rows = await this.db.selectFrom('resources').selectAll().orderBy('name').orderBy('id').execute();
      return (await this.withScopes(this.db, rows)).map((r) => Object.freeze({ ...r, scopes: Object.freeze(r.scopes) as string[] }));
    };
    return this.feed!.cache.table(RESOURCES_KEY, load);
  }

  /** Reads through the cache of every API, except inside a transaction, which may see its own uncommitted writes. */
  private get cached(): boolean {
    return this.feed !== undefined && !this.db.isTransaction;
  }

  private static async clearDefault(trx: Kysely<Database>, exceptId: string): Promise<void> {
    await trx.updateTable('resources').set({ isDefault: 0 }).where('isDefault', '=', 1).where('id', '!=', exceptId).execute();
  }

  private static async setScopes(trx: Kysely<Database>, id: string, scopes: string[]): Promise<void> {
    await trx.deleteFrom('resourceScopes').where('resourceId', '=', id).execute();
    if (scopes.length > 0) await trx.insertInto('resourceScopes').values(scopes.map((scope) => ({ resourceId: id, scope }))).execute();
  }

  /**
   * Runs a write in a transaction that also tells every process's cache of
   * the APIs (as client writes do). Two writes setting the default at once on
   * PostgreSQL both clear the old default before either commits; the unique
   * index then refuses the second, which runs again and clears the first's.
   */
  private async write<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    const feed = this.feed;
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.db, async (trx) => {
          const result = await fn(trx);
          if (feed) {
            await feed.notify(trx, RESOURCES_KEY);
            feed.cache.invalidate(RESOURCES_KEY);
          }
          return result;
        });
      } catch (error) {
        if (this.db.isTransaction || attempt >= 5 || !isDefaultClash(error)) throw error;
      }
    }
  }

  async create(resource: NewResource, now: number): Promise<Resource> {
    const row = {
      id: randomUUID(),
      identifier: resource.identifier,
      name: resource.name,
      tokenFormat: resource.tokenFormat,
      accessTokenTtl: resource.accessTokenTtl,
      signingAlg: resource.signingAlg,
      isDefault: toFlag(resource.isDefault),
      createdAt: now,
      updatedAt: now,
    };
    const scopes = sorted(resource.scopes);
    try {
      await this.write(async (trx) => {
        if (resource.isDefault) await SqlResourceStore.clearDefault(trx, row.id);
        await trx.insertInto('resources').values(row).execute();
        await SqlResourceStore.setScopes(trx, row.id, scopes);
      });
    } catch (error) {
      rethrowConflict(error, `an API with identifier ${resource.identifier} already exists`, 'identifier');
    }
    return toResource(row, scopes);
  }

  async get(id: string): Promise<Resource | null> {
    if (this.cached) return (await this.all()).find((r) => r.id === id) ?? null;
    return this.one(this.db, await this.db.selectFrom('resources').selectAll().where('id', '=', id).executeTakeFirst());
  }

  async getByIdentifier(identifier: string): Promise<Resource | null> {
    if (this.cached) return (await this.all()).find((r) => r.identifier === identifier) ?? null;
    return this.one(this.db, await this.db.selectFrom('resources').selectAll().where('identifier', '=', identifier).executeTakeFirst());
  }

  async getDefault(): Promise<Resource | null> {
    if (this.cached) return (await this.all()).find((r) => r.isDefault) ?? null;
    return this.one(this.db, await this.db.selectFrom('resources').selectAll().where('isDefault', '=', 1).executeTakeFirst());
  }

  async list(query: ResourceListQuery): Promise<Page<Resource>> {
    let q = this.db.selectFrom('resources').selectAll();
    if (query.search) {
      const pattern = likePattern(query.search);
      q = q.where((eb) => eb.or([
        eb(sql`lower(name)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(identifier)`, 'like', sql`${pattern} escape '\\'`),
      ]));
    }
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      if (typeof cursor.value !== 'string') throw new InvalidCursorError();
      const name = cursor.value;
      q = q.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', cursor.id)])]));
    }
    const rows = await q.orderBy('name').orderBy('id').limit(query.limit + 1).execute();
    const page = toPage(rows, query.limit, (row) => row, (row) => ({ value: row.name, id: row.id }));
    return { items: await this.withScopes(this.db, page.items), nextCursor: page.nextCursor };
  }

  async update(id: string, changes: ResourceUpdate, now: number): Promise<Resource | null> {
    const { scopes, isDefault, ...plain } = changes;
    try {
      return await this.write(async (trx) => {
        if (isDefault) await SqlResourceStore.clearDefault(trx, id);
        const row = await trx.updateTable('resources')
          .set({ ...plain, ...(isDefault !== undefined && { isDefault: toFlag(isDefault) }), updatedAt: now })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        if (!row) return null;
        if (scopes) await SqlResourceStore.setScopes(trx, id, sorted(scopes));
        return this.one(trx, row);
      });
    } catch (error) {
      rethrowConflict(error, `an API with identifier ${changes.identifier} already exists`, 'identifier');
    }
  }

  async delete(id: string): Promise<boolean> {
    const restricted: string[] = [];
    const deleted = await this.write(async (trx) => {
      const linked = await trx.selectFrom('clients').select('id').where('resourceId', '=', id).orderBy('id').limit(5).execute();
      if (linked.length > 0) throw linkedClients(linked.map((row) => row.id));
      const clients = await trx.selectFrom('clients').select(['id', 'allowedResources'])
        .where('allowedResources', 'is not', null).where(holdsId('allowedResources', id)).execute();
      for (const client of clients) {
        const allowed = fromJson<string[]>(client.allowedResources!).filter((resourceId) => resourceId !== id);
        await trx.updateTable('clients').set({ allowedResources: toJson(allowed) }).where('id', '=', client.id).execute();
        await this.feed?.notify(trx, client.id);
        restricted.push(client.id);
      }
      try {
        const result = await trx.deleteFrom('resources').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      } catch (error) {
        // A client linked to it meanwhile: the foreign key refuses.
        const code = (error as { code?: string }).code;
        if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw linkedClients([]);
        throw error;
      }
    });
    for (const clientId of restricted) this.feed?.cache.invalidate(clientId);
    return deleted;
  }
}

function linkedClients(ids: string[]): ConflictError {
  const which = ids.length > 0 ? ` (${ids.join(', ')})` : '';
  return new ConflictError(`clients are linked to this API${which}: link them to another API or none first`, 'clients');
}

/** The unique index on the default flag refused a write: another default was set meanwhile. */
function isDefaultClash(error: unknown): boolean {
  const { code, constraint, message } = error as { code?: string; constraint?: string; message?: string };
  return (code === '23505' && constraint === 'resources_default') || (code === 'SQLITE_CONSTRAINT_UNIQUE' && /resources\.is_default/.test(message ?? ''));
}
