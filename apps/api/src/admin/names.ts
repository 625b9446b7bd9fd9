import type { Stores } from '../storage/types.js';
import { CONSOLE_CLIENT_ID } from '../setup/bootstrap.js';

/** The console's own client, whose activity lists leave out when asked (`excludeConsole`). */
export const CONSOLE_CLIENTS = [CONSOLE_CLIENT_ID];

/** Client and user names for the ids a page of rows refers to: one query each, whatever the page holds. */
export interface Names {
  client(id: string | null | undefined): string | null;
  /** The user name (unique; the display name is beside it on the user's page). */
  user(id: string | null | undefined): string | null;
}

/** Looks up the names of `clientIds` and `userIds` at once. Unknown (deleted) ids have none. */
export async function lookUpNames(stores: Pick<Stores, 'clients' | 'users'>, ids: { clientIds: (string | null)[]; userIds: (string | null)[] }): Promise<Names> {
  const present = (list: (string | null)[]) => [...new Set(list.filter((id): id is string => typeof id === 'string' && id.length > 0))];
  const [clients, users] = await Promise.all([stores.clients.names(present(ids.clientIds)), stores.users.names(present(ids.userIds))]);
  const clientNames = new Map(clients.map((c) => [c.id, c.name]));
  const userNames = new Map(users.map((u) => [u.id, u.username]));
  return {
    client: (id) => (id ? clientNames.get(id) ?? null : null),
    user: (id) => (id ? userNames.get(id) ?? null : null),
  };
}
