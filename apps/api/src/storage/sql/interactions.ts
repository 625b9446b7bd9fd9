import type { Kysely, Selectable } from 'kysely';
import type { AuthorizationRequest, Interaction, InteractionDecision, InteractionStore } from '../types.js';
import type { Database, InteractionsTable } from './schema.js';
import { fromJson, toJson } from './helpers.js';

function toInteraction(row: Selectable<InteractionsTable>): Interaction {
  return {
    id: row.id,
    browserHash: row.browserHash,
    request: fromJson<AuthorizationRequest>(row.request),
    userId: row.userId,
    authTime: row.authTime,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    completedAt: row.completedAt,
    decision: row.decision === null ? null : fromJson<InteractionDecision>(row.decision),
  };
}

export class SqlInteractionStore implements InteractionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(interaction: Omit<Interaction, 'userId' | 'authTime' | 'completedAt' | 'decision'>): Promise<void> {
    await this.db.insertInto('interactions').values({
      ...interaction,
      clientId: interaction.request.clientId,
      request: toJson(interaction.request),
      userId: null,
      authTime: null,
      completedAt: null,
      decision: null,
    }).execute();
  }

  async get(id: string): Promise<Interaction | null> {
    const row = await this.db.selectFrom('interactions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toInteraction(row) : null;
  }

  async authenticate(id: string, userId: string, authTime: number): Promise<boolean> {
    const result = await this.db.updateTable('interactions').set({ userId, authTime })
      .where('id', '=', id).where('completedAt', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async complete(id: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('interactions').set({ completedAt: now })
      .where('id', '=', id).where('completedAt', 'is', null).where('expiresAt', '>', now).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async decide(id: string, expected: InteractionDecision | null, next: InteractionDecision, now: number): Promise<boolean> {
    const login = next.login && !expected?.login ? { userId: next.login.subject, authTime: next.login.authTime } : {};
    let update = this.db.updateTable('interactions').set({ decision: toJson(next), ...login })
      .where('id', '=', id).where('completedAt', 'is', null).where('expiresAt', '>', now);
    update = expected === null ? update.where('decision', 'is', null) : update.where('decision', '=', toJson(expected));
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const result = await this.db.deleteFrom('interactions')
      .where('id', 'in', (eb) => eb.selectFrom('interactions').select('id').where('expiresAt', '<', before).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
