import { html, type SafeHtml } from '../html.js';

export interface LoginView {
  action: string;
  csrf: string;
  /** Where Cancel goes: back to the application with access_denied. */
  cancel: { action: string; csrf: string };
  clientName: string;
  username: string;
  error: string | null;
  /** Sign in with a passkey instead (no user name, no password): where its answer goes, and the ceremony's options. */
  passkey: { action: string; csrf: string; options: string } | null;
}

/** User name and password. The error, when there is one, is announced and focus goes to the password. */
export function loginView(view: LoginView): SafeHtml {
  const focusPassword = view.username !== '';
  return html`
<h1>Sign in</h1>
<p class="muted">to continue to <strong><bdi>${view.clientName}</bdi></strong></p>
${view.error && html`<p class="error" role="alert" id="login-error">${view.error}</p>`}
<form method="post" action="${view.action}" novalidate>
  <input type="hidden" name="csrf" value="${view.csrf}">
  <label for="username">User name</label>
  <input type="text" id="username" name="username" value="${view.username}" autocomplete="username" autocapitalize="none" spellcheck="false" required ${focusPassword ? '' : html`autofocus`}${view.error ? html` aria-describedby="login-error"` : ''}>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required ${focusPassword ? html`autofocus` : ''}${view.error ? html` aria-describedby="login-error"` : ''}>
  <div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>
${view.passkey && html`
<form method="post" action="${view.passkey.action}">
  <input type="hidden" name="csrf" value="${view.passkey.csrf}">
  <input type="hidden" name="credential" value="">
  <div class="actions"><button type="submit" data-webauthn="get" data-status="passkey-status" data-options="${view.passkey.options}" hidden>Use a passkey instead</button></div>
  <p class="muted" id="passkey-status" role="status" aria-live="polite"></p>
</form>`}
<form method="post" action="${view.cancel.action}">
  <input type="hidden" name="csrf" value="${view.cancel.csrf}">
  <div class="actions"><button type="submit">Cancel and return to <bdi>${view.clientName}</bdi></button></div>
</form>`;
}
