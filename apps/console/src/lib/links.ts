/**
 * Typed link builders for every console route, relative to the router's `/console` basename.
 * Routes and links are written once here; features build their links from these, never from strings.
 */
type Search = Record<string, string | undefined>;

function withSearch(path: string, search: Search = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Route patterns, as the router declares them. */
export const routePaths = {
  callback: 'callback',
  silentRenew: 'silent-renew',
  status: 'status',
  clients: 'clients',
  newClient: 'clients/new',
  client: 'clients/:id',
  clientTab: 'clients/:id/:tab',
  resources: 'apis',
  newResource: 'apis/new',
  resource: 'apis/:id',
  registration: 'registration',
  newRegistrationToken: 'registration/tokens/new',
  tokens: 'tokens',
  users: 'users',
  newUser: 'users/new',
  user: 'users/:id',
  sessions: 'sessions',
  scopes: 'scopes',
  consents: 'consents',
  audit: 'audit',
  keys: 'keys',
  settings: 'settings',
} as const;

/** The tabs of a client's page, in their order; `settings` is the page's own address. */
export const CLIENT_TABS = ['settings', 'credentials', 'tokens', 'consents', 'activity', 'quick-start'] as const;
export type ClientTab = (typeof CLIENT_TABS)[number];

export const toDashboard = () => '/';
export const toStatus = () => '/status';
export const toClients = (search?: {
  search?: string; status?: 'active' | 'revoked'; registrationKind?: 'admin' | 'dynamic' | 'metadata_document'; sort?: string; order?: string;
}) => withSearch('/clients', search);
export const toNewClient = () => '/clients/new';
export const toClient = ({ id, tab }: { id: string; tab?: ClientTab }) =>
  `/clients/${encodeURIComponent(id)}${tab && tab !== 'settings' ? `/${tab}` : ''}`;
/** The APIs page: resource servers clients ask tokens for. */
export const toResources = (search?: { search?: string }) => withSearch('/apis', search);
export const toNewResource = () => '/apis/new';
export const toResource = ({ id }: { id: string }) => `/apis/${encodeURIComponent(id)}`;
/** The Registration page; `token` shows that registration token above the list. */
export const toRegistration = (search?: { token?: string }) => withSearch('/registration', search);
export const toNewRegistrationToken = () => '/registration/tokens/new';
export const toTokens = (search?: { clientId?: string; userId?: string; kind?: 'access' | 'refresh'; console?: 'shown' }) => withSearch('/tokens', search);
export const toUsers = (search?: { search?: string }) => withSearch('/users', search);
export const toNewUser = () => '/users/new';
export const toUser = ({ id }: { id: string }) => `/users/${encodeURIComponent(id)}`;
/** Every live session (signed-in browser). */
export const toSessions = () => '/sessions';
export const toScopes = () => '/scopes';
export const toConsents = (search?: { userId?: string; clientId?: string }) => withSearch('/consents', search);
export const toAudit = (search?: { actor?: string; action?: string; target?: string; console?: 'shown' }) => withSearch('/audit', search);
export const toKeys = () => '/keys';
export const toSettings = () => '/settings';
