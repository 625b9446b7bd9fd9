import type { QueryParams } from './api/admin-fetch';

/**
 * Every query key of the console, hierarchical (`['clients', 'detail', id]`), so a change can
 * invalidate a whole resource (`['clients']`) or one entry. Shared here because a change to one
 * resource touches others: revoking a client revokes its tokens and consents.
 */
export const queryKeys = {
  health: ['health'] as const,
  statistics: ['statistics'] as const,
  clients: {
    all: ['clients'] as const,
    list: (query: QueryParams) => ['clients', 'list', query] as const,
    detail: (id: string) => ['clients', 'detail', id] as const,
  },
  resources: {
    all: ['resources'] as const,
    list: (query: QueryParams) => ['resources', 'list', query] as const,
    detail: (id: string) => ['resources', 'detail', id] as const,
  },
  registrationPolicy: ['registration-policy'] as const,
  settings: ['settings'] as const,
  keys: ['keys'] as const,
  registrationTokens: {
    all: ['registration-tokens'] as const,
    list: (query: QueryParams) => ['registration-tokens', 'list', query] as const,
    detail: (id: string) => ['registration-tokens', 'detail', id] as const,
  },
  tokens: {
    all: ['tokens'] as const,
    list: (query: QueryParams) => ['tokens', 'list', query] as const,
  },
  users: {
    all: ['users'] as const,
    list: (query: QueryParams) => ['users', 'list', query] as const,
    detail: (id: string) => ['users', 'detail', id] as const,
    secondFactors: (id: string) => ['users', 'detail', id, 'second-factors'] as const,
  },
  sessions: {
    all: ['sessions'] as const,
    list: (query: QueryParams) => ['sessions', 'list', query] as const,
  },
  scopes: {
    all: ['scopes'] as const,
    list: () => ['scopes', 'list'] as const,
  },
  consents: {
    all: ['consents'] as const,
    list: (query: QueryParams) => ['consents', 'list', query] as const,
  },
  audit: {
    all: ['audit'] as const,
    list: (query: QueryParams) => ['audit', 'list', query] as const,
    actions: ['audit', 'actions'] as const,
  },
  /** The pickers' searches and the labels of what they hold, under the resource they read. */
  lookups: {
    search: (kind: string, term: string) => [kind, 'lookup', term] as const,
    label: (kind: string, id: string) => [kind, 'label', id] as const,
  },
};
