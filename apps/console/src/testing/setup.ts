import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { server } from './server';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  // Without vitest globals Testing Library cannot register its own cleanup.
  cleanup();
  server.resetHandlers();
});
afterAll(() => server.close());
