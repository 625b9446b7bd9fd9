import type { Client } from './contract';

/** A grant type a client may be registered with. */
export type GrantType = Client['grantTypes'][number];

/** Every grant type, labelled for a picker: the client form and the registration token form offer the same. */
export const GRANT_TYPE_OPTIONS: readonly { value: GrantType; label: string }[] = [
  { value: 'authorization_code', label: 'Authorization code (users sign in)' },
  { value: 'refresh_token', label: 'Refresh token' },
  { value: 'client_credentials', label: 'Client credentials (machine to machine)' },
  { value: 'urn:ietf:params:oauth:grant-type:device_code', label: 'Device code (TVs, command lines: the user approves on another device)' },
];

/** A short name for a grant type a token was issued by, as lists show it. */
export function grantTypeLabel(grantType: string | null): string {
  switch (grantType) {
    case 'authorization_code': return 'Authorization code';
    case 'refresh_token': return 'Refresh';
    case 'client_credentials': return 'Client credentials';
    case 'urn:ietf:params:oauth:grant-type:device_code': return 'Device code';
    case 'cli': return 'Command line';
    case null: return '—';
    default: return grantType;
  }
}
