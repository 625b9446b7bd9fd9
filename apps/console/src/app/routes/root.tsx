import type { ReactNode } from 'react';
import { isRouteErrorResponse, NavLink, Outlet, useRouteError } from 'react-router';
import { toStatus } from '../../features/status/routes';

function AppShell({ children }: { children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app-header">
        <p className="app-name">Tollgate</p>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to={toStatus()} end>
                Server status
              </NavLink>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** The layout every console page renders in. */
export function RootLayout() {
  return (
    <AppShell>
      <Outlet />
    </AppShell>
  );
}

/** Shown while the first page's lazy route module loads, so the shell paints at once. */
export function RootFallback() {
  return (
    <AppShell>
      <p role="status">Loading…</p>
    </AppShell>
  );
}

/** Catches what no page handles, such as a route module that failed to load after a deploy. */
export function RootErrorBoundary() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <main id="main" className="app-error">
      <title>Error · Tollgate</title>
      <h1>Something went wrong</h1>
      <p>{detail}</p>
      {/* A full page load, so a fresh index.html can name the current route modules. */}
      <a href={import.meta.env.BASE_URL}>Reload the console</a>
    </main>
  );
}
