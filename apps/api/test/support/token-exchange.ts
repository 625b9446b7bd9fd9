/** What the token-exchange tests (RFC 8693) share: the grant, the token type URIs, and the APIs they exchange for. */
export const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';
export const REFRESH = 'urn:ietf:params:oauth:token-type:refresh_token';
export const JWT = 'urn:ietf:params:oauth:token-type:jwt';
export const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
export const ORDERS = 'https://orders.example.test/';
export const BILLING = 'https://billing.example.test/';
export const REPORTS = 'https://reports.example.test/';

/** A client's id and its secret, as the tests made it. */
export type Creds = { id: string; secret: string };
