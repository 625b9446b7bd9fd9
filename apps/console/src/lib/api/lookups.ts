import type { Client, ClientPage, User, UserPage } from '../contract';
import { ApiError } from '../api-client';
import { adminFetch } from './admin-fetch';

/** One choice of a picker: what it selects (an id), how it reads, and a second line. */
export interface LookupOption {
  id: string;
  label: string;
  detail?: string;
  /** What it is, when a picker offers several kinds. */
  kind?: 'client' | 'user';
}

/** A page of choices; `nextCursor` asks for the next. */
export interface LookupPage {
  items: LookupOption[];
  nextCursor: string | null;
}

const LOOKUP_PAGE = 10;

export const clientOption = (client: Pick<Client, 'id' | 'name'>): LookupOption => ({ id: client.id, label: client.name, detail: client.id, kind: 'client' });
export const userOption = (user: Pick<User, 'id' | 'username' | 'displayName' | 'email'>): LookupOption => ({
  id: user.id, label: user.displayName ? `${user.displayName} (${user.username})` : user.username, detail: user.email ?? undefined, kind: 'user',
});

/** `GET /admin/api/clients?search=`: clients whose name contains `term` or whose id starts with it, by name. */
export async function searchClients(term: string, cursor: string | undefined, signal?: AbortSignal): Promise<LookupPage> {
  const page = await adminFetch<ClientPage>('/clients', { query: { search: term.trim() || undefined, sort: 'name', limit: LOOKUP_PAGE, cursor }, signal });
  return { items: page.items.map(clientOption), nextCursor: page.nextCursor };
}

/** `GET /admin/api/users?search=`: users whose user name, display name or email contains `term`. */
export async function searchUsers(term: string, cursor: string | undefined, signal?: AbortSignal): Promise<LookupPage> {
  const page = await adminFetch<UserPage>('/users', { query: { search: term.trim() || undefined, limit: LOOKUP_PAGE, cursor }, signal });
  return { items: page.items.map(userOption), nextCursor: page.nextCursor };
}

/** Users and clients together (an audit actor or target); the cursor carries both lists' cursors. */
export async function searchUsersAndClients(term: string, cursor: string | undefined, signal?: AbortSignal): Promise<LookupPage> {
  const state = cursor ? (JSON.parse(cursor) as { users: string | null | false; clients: string | null | false }) : { users: null, clients: null };
  const [users, clients] = await Promise.all([
    state.users === false ? null : searchUsers(term, state.users ?? undefined, signal),
    state.clients === false ? null : searchClients(term, state.clients ?? undefined, signal),
  ]);
  const next = { users: users?.nextCursor ?? false, clients: clients?.nextCursor ?? false };
  return {
    items: [...(users?.items ?? []), ...(clients?.items ?? [])],
    nextCursor: next.users === false && next.clients === false ? null : JSON.stringify(next),
  };
}

async function orNull<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** The choice for a client id a page was opened with; null when no client has it. */
export async function describeClient(id: string, signal?: AbortSignal): Promise<LookupOption | null> {
  const client = await orNull(adminFetch<Client>(`/clients/${encodeURIComponent(id)}`, { signal }));
  return client && clientOption(client);
}

/** The choice for a user id a page was opened with; null when no user has it. */
export async function describeUser(id: string, signal?: AbortSignal): Promise<LookupOption | null> {
  const user = await orNull(adminFetch<User>(`/users/${encodeURIComponent(id)}`, { signal }));
  return user && userOption(user);
}

/** A user's or a client's choice, whichever has the id. */
export async function describeUserOrClient(id: string, signal?: AbortSignal): Promise<LookupOption | null> {
  return (await describeUser(id, signal)) ?? describeClient(id, signal);
}
