import type { Client } from '../../../lib/contract';
import type { GrantType } from '../../../lib/grant-types';

/** The kinds of application the new-client form starts from. */
export type PresetId = 'spa' | 'native' | 'web' | 'machine' | 'api' | 'custom';

/** Which of the form's fields a preset shows; the others keep the preset's values. */
export type FormField =
  | 'authMethod' | 'grantTypes' | 'redirectUris' | 'postLogoutRedirectUris' | 'scopes' | 'accessTokenTtl' | 'refreshTokenTtl' | 'more' | 'resourceServer'
  | 'applicationType' | 'allowedResources' | 'resource' | 'dpop';

/** An application type: what it is, the values it starts with, and the fields that apply to it. */
export interface Preset {
  id: PresetId;
  label: string;
  description: string;
  grantTypes: GrantType[];
  tokenEndpointAuthMethod: Client['tokenEndpointAuthMethod'];
  applicationType: Client['applicationType'];
  resourceServer: boolean;
  /** Scopes ticked at the start, when the server has them. */
  scopes: string[];
  fields: readonly FormField[];
  /** The redirect URI field's hint for this kind of application. */
  redirectHint?: string;
}

const USER_FIELDS = ['redirectUris', 'postLogoutRedirectUris', 'scopes', 'allowedResources', 'accessTokenTtl', 'refreshTokenTtl', 'more', 'dpop'] as const;

/** The application types offered when a client is created, in the order shown. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'spa', label: 'Single-page app', description: 'Runs in the browser (React, Vue, Angular): signs users in with PKCE and keeps no secret.',
    grantTypes: ['authorization_code', 'refresh_token'], tokenEndpointAuthMethod: 'none', applicationType: 'web', resourceServer: false, scopes: ['openid'],
    fields: USER_FIELDS, redirectHint: 'Matched exactly: the app\'s callback page, such as https://app.example.com/callback.',
  },
  {
    id: 'native', label: 'Native app', description: 'A desktop, mobile or command-line app: signs users in through the system browser with PKCE, no secret.',
    grantTypes: ['authorization_code', 'refresh_token'], tokenEndpointAuthMethod: 'none', applicationType: 'native', resourceServer: false, scopes: ['openid'],
    fields: USER_FIELDS, redirectHint: 'A loopback address (http://127.0.0.1/callback: any port is accepted) or a private-use scheme such as com.example.app:/callback.',
  },
  {
    id: 'web', label: 'Web server app', description: 'A server-rendered site or backend that signs users in and keeps a secret.',
    grantTypes: ['authorization_code', 'refresh_token'], tokenEndpointAuthMethod: 'client_secret_basic', applicationType: 'web', resourceServer: false, scopes: ['openid'],
    fields: ['authMethod', ...USER_FIELDS], redirectHint: 'Matched exactly: the server\'s callback route, such as https://app.example.com/auth/callback.',
  },
  {
    id: 'machine', label: 'Machine to machine', description: 'A service, job or script that calls APIs as itself, with a secret and no user.',
    grantTypes: ['client_credentials'], tokenEndpointAuthMethod: 'client_secret_basic', applicationType: 'web', resourceServer: false, scopes: [],
    fields: ['authMethod', 'scopes', 'allowedResources', 'accessTokenTtl', 'dpop'],
  },
  {
    id: 'api', label: 'API (resource server)', description: 'An API that receives tokens and checks them by introspection; it gets no tokens itself.',
    grantTypes: [], tokenEndpointAuthMethod: 'client_secret_basic', applicationType: 'web', resourceServer: true, scopes: [],
    // It gets no tokens, so which APIs it may ask for does not apply; which API it introspects for does.
    fields: ['authMethod', 'resource'],
  },
  {
    id: 'custom', label: 'Custom', description: 'Every setting, to combine them as you need.',
    grantTypes: ['client_credentials'], tokenEndpointAuthMethod: 'client_secret_basic', applicationType: 'web', resourceServer: false, scopes: [],
    fields: ['authMethod', 'grantTypes', ...USER_FIELDS, 'resourceServer', 'resource', 'applicationType'],
  },
];

export const presetById = (id: PresetId): Preset => PRESETS.find((preset) => preset.id === id)!;

/** The preset a registered client reads as, for the quick start and the page's description. */
export function presetOf(client: Pick<Client, 'grantTypes' | 'tokenEndpointAuthMethod' | 'applicationType' | 'resourceServer'>): PresetId {
  const code = client.grantTypes.includes('authorization_code');
  if (client.resourceServer && client.grantTypes.length === 0) return 'api';
  if (!code && client.grantTypes.includes('client_credentials')) return 'machine';
  if (code && client.tokenEndpointAuthMethod === 'none') return client.applicationType === 'native' ? 'native' : 'spa';
  if (code) return 'web';
  return 'custom';
}
