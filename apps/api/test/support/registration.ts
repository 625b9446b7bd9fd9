import { createRegistrationToken } from '../../src/admin/registration-tokens/service.js';
import type { CreateRegistrationTokenInput } from '../../src/admin/registration-tokens/schema.js';
import type { OAuthTestApp } from './oauth-app.js';

const actor = { type: 'system' as const, id: 'test', sourceAddress: null };

/** Requests to the registration endpoints of a test app, as a client sends them. */
export function registrationRequests(app: () => OAuthTestApp) {
  return {
    /** A new initial access token's value. */
    token: async (input: CreateRegistrationTokenInput = {}) => (await createRegistrationToken(app().storage, input, actor)).value,
    /** `POST /oauth/register` with a JSON body (a string is sent as it is) and, when given, an initial access token. */
    register(body: unknown, bearer?: string) {
      const req = app().http.post('/oauth/register').type('application/json');
      if (bearer) req.set('Authorization', `Bearer ${bearer}`);
      return req.send(typeof body === 'string' ? body : JSON.stringify(body));
    },
    /** RFC 7592's client configuration endpoint with a registration access token. */
    configuration: (method: 'get' | 'put' | 'delete', clientId: string, bearer: string) =>
      app().http[method](`/oauth/register/${clientId}`).set('Authorization', `Bearer ${bearer}`),
  };
}
