import { setupServer } from 'msw/node';
import { auditHandlers } from './handlers/audit';
import { clientHandlers } from './handlers/clients';
import { consentHandlers } from './handlers/consents';
import { healthHandlers } from './handlers/health';
import { keyHandlers } from './handlers/keys';
import { registrationPolicyHandlers } from './handlers/registration-policy';
import { registrationTokenHandlers } from './handlers/registration-tokens';
import { resourceHandlers } from './handlers/resources';
import { scopeHandlers } from './handlers/scopes';
import { sessionHandlers } from './handlers/sessions';
import { settingsHandlers } from './handlers/settings';
import { statisticsHandlers } from './handlers/statistics';
import { tokenHandlers } from './handlers/tokens';
import { userHandlers } from './handlers/users';

/** The mock API every test runs against (unhandled requests fail the test); tests override handlers with `server.use`. */
export const server = setupServer(
  ...healthHandlers, ...statisticsHandlers, ...clientHandlers, ...resourceHandlers, ...tokenHandlers, ...userHandlers, ...sessionHandlers, ...scopeHandlers,
  ...consentHandlers, ...auditHandlers, ...registrationPolicyHandlers, ...registrationTokenHandlers, ...settingsHandlers, ...keyHandlers,
);
