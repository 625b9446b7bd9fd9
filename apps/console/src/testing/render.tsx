import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { AppProvider } from '../app/provider';
import { routes } from '../app/router';
import { FakeAuthClient } from './fake-auth';

/**
 * Renders the console's real route tree at `path` (relative to the `/console` basename) in a
 * memory router, with a fresh query client that does not retry, so error states show at once,
 * and a fake auth client: a signed-in administrator unless the test passes another.
 */
export function renderApp(path = '/', { auth = new FakeAuthClient() }: { auth?: FakeAuthClient } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const user = userEvent.setup();
  const view = render(
    <AppProvider queryClient={queryClient} authClient={auth}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...view, user, router, auth, queryClient };
}
