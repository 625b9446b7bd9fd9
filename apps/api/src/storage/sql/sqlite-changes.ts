import type SQLite from 'better-sqlite3';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryId, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * How in-memory caches over SQLite learn that rows may have changed:
 * `othersVersion()` moves when another connection (another process, the CLI)
 * has committed, and `onOwnWrite` hears every statement this process sends
 * through Kysely that is not a SELECT.
 */
export class SqliteChanges implements KyselyPlugin {
  private version = 0;
  private dataVersion: number | undefined;
  private statement: SQLite.Statement | undefined;
  private checkedThisTurn = false;
  private readonly endTurn = () => {
    this.checkedThisTurn = false;
  };
  private readonly writes = new WeakSet<QueryId>();
  private readonly listeners: (() => void)[] = [];

  constructor(private readonly sqlite: SQLite.Database) {}

  /**
   * A number that moves when another connection has committed. Checked once a
   * turn of the event loop: a commit landing during this turn races only with
   * the requests this turn serves, and the next turn's first call sees it.
   */
  othersVersion(): number {
    if (this.checkedThisTurn) return this.version;
    this.checkedThisTurn = true;
    setImmediate(this.endTurn);
    // Prepared once: pragma() would prepare a statement on every call.
    this.statement ??= this.sqlite.prepare('pragma data_version').pluck();
    const dataVersion = this.statement.get() as number;
    if (dataVersion !== this.dataVersion) {
      this.dataVersion = dataVersion;
      this.version++;
    }
    return this.version;
  }

  onOwnWrite(listener: () => void): void {
    this.listeners.push(listener);
  }

  // Heard before the statement runs and again once it has: a read in between would see the old row.
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (args.node.kind !== 'SelectQueryNode') {
      this.writes.add(args.queryId);
      this.ownWrite();
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.writes.has(args.queryId)) this.ownWrite();
    return args.result;
  }

  private ownWrite(): void {
    for (const listener of this.listeners) listener();
  }
}
