import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { resetDb } from './db';
import { server } from './server';

// A page is a lazily loaded module, and searches are debounced: on a busy machine
// either takes longer than Testing Library's default second to show.
configure({ asyncUtilTimeout: 5_000 });
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
// jsdom has no matchMedia, which uPlot reads when it loads (for the device pixel ratio).
window.matchMedia ??= ((query: string) => ({
  matches: false, media: query, onchange: null,
  addEventListener() {}, removeEventListener() {}, addListener() {}, removeListener() {}, dispatchEvent: () => false,
})) as typeof window.matchMedia;
beforeEach(() => {
  // jsdom has no canvas: charts fall back to their data tables, as they would without one.
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
  window.sessionStorage.clear();
  window.localStorage.clear();
});
afterEach(() => {
  // Without vitest globals Testing Library cannot register its own cleanup.
  cleanup();
  server.resetHandlers();
  resetDb();
});
afterAll(() => server.close());
