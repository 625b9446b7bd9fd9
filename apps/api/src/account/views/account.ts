import { html, type SafeHtml } from '../../interaction/html.js';

/** A form on the account page: where it posts and the CSRF token for it. */
export interface Form {
  action: string;
  csrf: string;
}

export interface AccountView {
  username: string;
  displayName: string | null;
  /** A short confirmation of what the last form did, from a fixed list. */
  notice: string | null;
  passwordMustChange: boolean;
  signOut: Form;
  applications: {
    clientId: string;
    name: string;
    siteUrl: string | null;
    since: number;
    remembered: boolean;
    scopes: { name: string; description: string }[];
    apis: { name: string; identifier: string }[];
    remove: Form;
  }[];
  sessions: {
    reference: string;
    device: string;
    address: string | null;
    startedAt: number;
    lastUsedAt: number;
    current: boolean;
    end: Form;
  }[];
  endOthers: Form | null;
  password: Form & { errors: { current?: string; password?: string; confirm?: string } };
  securityHref: string;
}

const DATE = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

function when(at: number): SafeHtml {
  return html`<time datetime="${new Date(at).toISOString()}">${DATE.format(at)} UTC</time>`;
}

function hidden(form: Form): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${form.csrf}">`;
}

/** The signed-in user's own page: applications with access, sessions, password, and the way to second factors. */
export function accountView(view: AccountView): SafeHtml {
  const { errors } = view.password;
  const describedBy = (id: string, error: string | undefined, extra = '') => {
    const ids = [extra, error ? `${id}-error` : ''].filter(Boolean).join(' ');
    return ids && html` aria-describedby="${ids}"`;
  };
  return html`
<header class="account-head">
  <div>
    <h1>Your account</h1>
    <p class="muted">Signed in as <strong><bdi>${view.username}</bdi></strong>${view.displayName && html` (<bdi>${view.displayName}</bdi>)`}</p>
  </div>
  <form method="post" action="${view.signOut.action}">${hidden(view.signOut)}<button type="submit" class="inline">Sign out</button></form>
</header>
${view.notice && html`<p class="notice" role="status">${view.notice}</p>`}
${view.passwordMustChange && html`<p class="notice">Your password was set by an administrator. Choose your own below.</p>`}
<nav aria-label="On this page" class="toc">
  <a href="#applications">Applications</a> <a href="#sessions">Sessions</a> <a href="#password">Password</a> <a href="#security">Sign-in and security</a>
</nav>

<section aria-labelledby="applications">
<h2 id="applications">Applications with access</h2>
${view.applications.length === 0
    ? html`<p class="muted">No application has access to your account.</p>`
    : html`<ul class="items">
  ${view.applications.map((app) => html`<li class="item">
    <h3><bdi>${app.name}</bdi></h3>
    ${app.siteUrl && html`<p class="muted"><a href="${app.siteUrl}" rel="noopener noreferrer"><bdi>${app.siteUrl}</bdi></a></p>`}
    <p class="muted">${app.remembered ? 'Allowed' : 'Signed in without remembering your decision'} since ${when(app.since)}</p>
    ${app.scopes.length > 0 && html`<p>It can:</p>
    <ul class="scopes">
      ${app.scopes.map((scope) => html`<li><bdi>${scope.description}</bdi> <span class="muted">(<code>${scope.name}</code>)</span></li>`)}
    </ul>`}
    ${app.apis.length > 0 && html`<p>${app.apis.length === 1 ? 'at this API' : 'at these APIs'}:</p>
    <ul class="apis">
      ${app.apis.map((api) => html`<li><strong><bdi>${api.name}</bdi></strong> <span class="muted"><bdi><code>${api.identifier}</code></bdi></span></li>`)}
    </ul>`}
    <form method="post" action="${app.remove.action}">
      ${hidden(app.remove)}
      <input type="hidden" name="client_id" value="${app.clientId}">
      <button type="submit" class="inline danger">Remove access<span class="visually-hidden"> of <bdi>${app.name}</bdi></span></button>
    </form>
  </li>`)}
</ul>
<p class="muted">Removing access signs the application out of your account: its tokens stop working, and it must ask you again.</p>`}
</section>

<section aria-labelledby="sessions">
<h2 id="sessions">Where you are signed in</h2>
<ul class="items">
  ${view.sessions.map((session) => html`<li class="item">
    <h3>${session.device}${session.current && html` <span class="badge">This browser</span>`}</h3>
    <dl class="facts">
      <dt>Address</dt><dd>${session.address ?? 'Unknown'}</dd>
      <dt>Signed in</dt><dd>${when(session.startedAt)}</dd>
      <dt>Last used</dt><dd>${when(session.lastUsedAt)}</dd>
    </dl>
    <form method="post" action="${session.end.action}">
      ${hidden(session.end)}
      <input type="hidden" name="session" value="${session.reference}">
      <button type="submit" class="inline">Sign out<span class="visually-hidden"> ${session.current ? 'this browser' : session.device}</span></button>
    </form>
  </li>`)}
</ul>
${view.endOthers && html`<form method="post" action="${view.endOthers.action}">
  ${hidden(view.endOthers)}
  <div class="actions"><button type="submit" class="inline">Sign out all other sessions</button></div>
</form>`}
</section>

<section aria-labelledby="password">
<h2 id="password">Change password</h2>
<form method="post" action="${view.password.action}" novalidate>
  ${hidden(view.password)}
  <input type="text" name="username" value="${view.username}" autocomplete="username" hidden>
  <label for="current">Current password</label>
  <input type="password" id="current" name="current" autocomplete="current-password" required${describedBy('current', errors.current)}>
  ${errors.current && html`<p class="error" role="alert" id="current-error">${errors.current}</p>`}
  <label for="new-password">New password</label>
  <input type="password" id="new-password" name="password" autocomplete="new-password" minlength="8" required${describedBy('password', errors.password, 'password-help')}>
  <p class="muted" id="password-help">At least 8 characters. A few unrelated words make a strong password. Your other sessions end when you change it.</p>
  ${errors.password && html`<p class="error" role="alert" id="password-error">${errors.password}</p>`}
  <label for="confirm">Repeat the new password</label>
  <input type="password" id="confirm" name="confirm" autocomplete="new-password" required${describedBy('confirm', errors.confirm)}>
  ${errors.confirm && html`<p class="error" role="alert" id="confirm-error">${errors.confirm}</p>`}
  <div class="actions"><button type="submit" class="primary">Change password</button></div>
</form>
</section>

<section aria-labelledby="security">
<h2 id="security">Sign-in and security</h2>
<p><a href="${view.securityHref}">Passkeys, authenticator app and recovery codes</a></p>
<p class="muted">Add a second step to your sign-in, so a stolen password is not enough.</p>
</section>`;
}

export interface AccountSignInView {
  action: string;
  csrf: string;
  returnTo: string;
  username: string;
  error: string | null;
}

/** Sign in to reach the account page. */
export function accountSignInView(view: AccountSignInView): SafeHtml {
  const focusPassword = view.username !== '';
  const describedBy = view.error ? html` aria-describedby="login-error"` : '';
  return html`
<h1>Sign in</h1>
<p class="muted">to manage your account</p>
${view.error && html`<p class="error" role="alert" id="login-error">${view.error}</p>`}
<form method="post" action="${view.action}" novalidate>
  <input type="hidden" name="csrf" value="${view.csrf}">
  <input type="hidden" name="return_to" value="${view.returnTo}">
  <label for="username">User name</label>
  <input type="text" id="username" name="username" value="${view.username}" autocomplete="username" autocapitalize="none" spellcheck="false" required ${focusPassword ? '' : html`autofocus`}${describedBy}>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required ${focusPassword ? html`autofocus` : ''}${describedBy}>
  <div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>`;
}

/** After signing out from the account page. */
export function accountSignedOutView(signInHref: string): SafeHtml {
  return html`
<h1>You are signed out</h1>
<p class="muted">You can close this page.</p>
<p><a href="${signInHref}">Sign in again</a></p>`;
}
