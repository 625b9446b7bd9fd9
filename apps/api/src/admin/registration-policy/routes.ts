import { defineRoute, type AdminRoute } from '../http/route.js';
import { registrationPolicyView, toRegistrationPolicyView } from './schema.js';

export const registrationPolicyRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/registration-policy', operationId: 'getRegistrationPolicy', tag: 'registration',
    summary: 'The dynamic registration policy in force',
    description: 'From the configuration (REGISTRATION, OPEN_REGISTRATION_GRANT_TYPES, OPEN_REGISTRATION_SCOPES, REGISTRATION_RATE_LIMIT); read-only.',
    response: registrationPolicyView,
    async handle({ storage, settings }) {
      const { policy } = settings.registration;
      const missing = policy.mode === 'open' && policy.openScopes.length > 0 ? await storage.scopes.missing(policy.openScopes) : [];
      return toRegistrationPolicyView(settings.registration, missing);
    },
  }),
];
