import type { Client } from './contract';

/** A grant type a client may be registered with. */
export type GrantType = Client['grantTypes'][number];

/** Every grant type, labelled for a picker: the client form and the registration token form offer the same. */
export const GRANT_TYPE_OPTIONS: readonly { value: GrantType; label: string }[] = [
  { value: 'authorization_code', label: 'Authorization code (users sign in)' },
  { value: 'refresh_token', label: 'Refresh token' },
  { value: 'client_credentials', label: 'Client credentials (machine to machine)' },
  { value: 'urn:ietf:params:oauth:grant-type:device_code', label: 'Device code (TVs, command lines: the user approves on another device)' },
  { value: 'urn:ietf:params:oauth:grant-type:token-exchange', label: 'Token exchange (a service calls APIs on a user\'s behalf)' },
  { value: 'password', label: 'Password (discouraged: the app sees the user\'s password)' },
];

/** What a client registering itself may get: every grant but password, which only an administrator gives. */
export const SELF_REGISTRABLE_GRANT_TYPE_OPTIONS = GRANT_TYPE_OPTIONS.filter((option) => option.value !== 'password') as
  readonly { value: Exclude<GrantType, 'password'>; label: string }[];

/** A short name for a grant type a token was issued by, as lists show it. */
export function grantTypeLabel(grantType: string | null): string {
  switch (grantType) {
    case 'authorization_code': return 'Authorization code';
    case 'refresh_token': return 'Refresh';
    case 'client_credentials': return 'Client credentials';
    case 'urn:ietf:params:oauth:grant-type:device_code': return 'Device code';
    case 'urn:ietf:params:oauth:grant-type:token-exchange': return 'Token exchange';
    case 'password': return 'Password';
    case 'cli': return 'Command line';
    case null: return '—';
    default: return grantType;
  }
}
