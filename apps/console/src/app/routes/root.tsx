import { useEffect, useId, useState, type ReactNode } from 'react';
import { isRouteErrorResponse, NavLink, Outlet, useLocation, useRouteError } from 'react-router';
import { useAuth } from '../../lib/auth/auth';
import {
  toAudit, toClients, toConsents, toDashboard, toKeys, toRegistration, toResources, toScopes, toSessions, toSettings, toStatus, toTokens, toUsers,
} from '../../lib/links';
import { useTheme, type Theme } from '../../lib/theme';

const adminLinks = [
  { to: toDashboard(), label: 'Dashboard', end: true },
  { to: toClients(), label: 'Clients' },
  { to: toResources(), label: 'APIs' },
  { to: toRegistration(), label: 'Registration' },
  { to: toTokens(), label: 'Tokens' },
  { to: toUsers(), label: 'Users' },
  { to: toSessions(), label: 'Sessions' },
  { to: toScopes(), label: 'Scopes' },
  { to: toConsents(), label: 'Consents' },
  { to: toAudit(), label: 'Audit log' },
  { to: toKeys(), label: 'Signing keys' },
  { to: toSettings(), label: 'Settings' },
];

function ThemePicker() {
  const [theme, setTheme] = useTheme();
  const id = useId();
  return (
    <div className="theme-picker">
      <label htmlFor={id}>Theme</label>
      <select id={id} value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </div>
  );
}

function Account() {
  const auth = useAuth();
  const [busy, setBusy] = useState(false);
  if (auth.status !== 'signed-in' || !auth.user) return null;
  const profile = auth.user.profile;
  const name = profile.name ?? profile.preferred_username ?? profile.sub;
  return (
    <div className="account">
      <span className="account-name" title={profile.preferred_username ?? profile.sub}>
        {name}
      </span>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void auth.signOut().catch(() => setBusy(false));
        }}
      >
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
    </div>
  );
}

function AppShell({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const navId = useId();
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const links = auth.isAdmin ? adminLinks : [];

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app-header">
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls={navId}
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
        <p className="app-name">
          <svg className="app-icon" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="7" fill="#2f5fd0" />
            <path d="M7 9h18v4H18v12h-4V13H7z" fill="#fff" />
            <path d="M5 21h5v2H5zM22 21h5v2h-5z" fill="#a9c0f5" />
          </svg>
          <span className="app-name-text">Tollgate</span>
        </p>
        <div className="header-tools">
          <ThemePicker />
          <Account />
        </div>
      </header>
      <nav id={navId} className="app-nav" data-open={menuOpen} aria-label="Main">
        <ul>
          {links.map((link) => (
            <li key={link.to}>
              <NavLink to={link.to} end={link.end}>
                {link.label}
              </NavLink>
            </li>
          ))}
          <li>
            <NavLink to={toStatus()}>Server status</NavLink>
          </li>
        </ul>
        <div className="nav-theme">
          <ThemePicker />
        </div>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
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
