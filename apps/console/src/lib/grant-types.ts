import type { Client } from './contract';

/** A grant type a client may be registered with. */
export type GrantType = Client['grantTypes'][number];

/** Every grant type, labelled for a picker: the client form and the registration token form offer the same. */
export const GRANT_TYPE_OPTIONS: readonly { value: GrantType; label: string }[] = [
  { value: 'authorization_code', label: 'Authorization code (users sign in)' },
  { value: 'refresh_token', label: 'Refresh token' },
  { value: 'client_credentials', label: 'Client credentials (machine to machine)' },
  { value: 'urn:ietf:params:oauth:grant-type:token-exchange', label: 'Token exchange (a service calls APIs on a user\'s behalf)' },
  { value: 'password', label: 'Password (discouraged: the app sees the user\'s password)' },
];

/** What a client registering itself may get: every grant but password, which only an administrator gives. */
export const SELF_REGISTRABLE_GRANT_TYPE_OPTIONS = GRANT_TYPE_OPTIONS.filter((option) => option.value !== 'password') as
  readonly { value: Exclude<GrantType, 'password'>; label: string }[];
