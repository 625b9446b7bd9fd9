import type { Client } from './contract';

/** A grant type a client may be registered with. */
export type GrantType = Client['grantTypes'][number];

/** Every grant type, labelled for a picker: the client form and the registration token form offer the same. */
export const GRANT_TYPE_OPTIONS: readonly { value: GrantType; label: string }[] = [
  { value: 'authorization_code', label: 'Authorization code (users sign in)' },
  { value: 'refresh_token', label: 'Refresh token' },
  { value: 'client_credentials', label: 'Client credentials (machine to machine)' },
];
