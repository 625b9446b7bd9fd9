import { setupServer } from 'msw/node';
import { healthHandlers } from './handlers/health';

/** The mock API every test runs against; tests override handlers with `server.use`. */
export const server = setupServer(...healthHandlers);
