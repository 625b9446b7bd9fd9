import { NotFoundError } from '../errors.js';
import { defineRoute, type AdminRoute, type HandlerInput } from '../http/route.js';
import { acceptConsentRequest, acceptLoginRequest, challengeParams, interactionView, redirectView, rejectRequest, toInteractionView } from './schema.js';

function hostOf(input: Pick<HandlerInput<unknown, unknown, unknown>, 'interactions'>) {
  if (!input.interactions) throw new NotFoundError('this server signs users in with its own pages: set LOGIN_URL (and CONSENT_URL) to answer sign-ins from your application');
  return input.interactions;
}

const description = 'Needs a token with the `oauth-interactions` scope that a client holds for itself (client credentials), not `oauth-admin`.';

/** The login and consent flow over HTTP (issue 22): a host application's backend answers the challenges Tollgate sends its pages. */
export const interactionRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/interactions/:challenge', operationId: 'getInteraction', tag: 'interactions', auth: 'interactions',
    summary: 'Read a login or consent challenge',
    description: `What the client asks for and which step is due. ${description}`,
    params: challengeParams,
    response: interactionView,
    errors: [404, 409],
    async handle(input) {
      const host = hostOf(input);
      return toInteractionView(await host.describe(await host.open(input.params.challenge)));
    },
  }),
  defineRoute({
    method: 'put', path: '/interactions/:challenge/accept-login', operationId: 'acceptLogin', tag: 'interactions', auth: 'interactions',
    summary: 'Accept a login challenge',
    description: `Says who signed in. Send the browser to \`redirectTo\`: the consent step follows unless the user allowed these scopes before. ${description}`,
    params: challengeParams,
    body: acceptLoginRequest,
    response: redirectView,
    errors: [404, 409],
    handle: async (input) => hostOf(input).accept(input.params.challenge, { login: input.body }, input.actor),
  }),
  defineRoute({
    method: 'put', path: '/interactions/:challenge/accept-consent', operationId: 'acceptConsent', tag: 'interactions', auth: 'interactions',
    summary: 'Accept a consent challenge',
    description: `Grants scopes and gives the user's claims. Send the browser to \`redirectTo\`: it returns to the client with a code. ${description}`,
    params: challengeParams,
    body: acceptConsentRequest,
    response: redirectView,
    errors: [404, 409],
    handle: async (input) => hostOf(input).accept(input.params.challenge, {
      consent: { scopes: input.body.scopes, remember: input.body.remember }, claims: input.body.claims,
    }, input.actor),
  }),
  defineRoute({
    method: 'put', path: '/interactions/:challenge/reject', operationId: 'rejectInteraction', tag: 'interactions', auth: 'interactions',
    summary: 'Reject a login or consent challenge',
    description: `The client receives the OAuth error once the browser follows \`redirectTo\`. ${description}`,
    params: challengeParams,
    body: rejectRequest,
    response: redirectView,
    errors: [404, 409],
    handle: async (input) => hostOf(input).reject(input.params.challenge, input.body, input.actor),
  }),
];
