import { html, type SafeHtml } from '../html.js';

/** An error we must not redirect with (RFC 6749 §4.1.2.1): the user reads it here. */
export function errorView(title: string, message: string): SafeHtml {
  return html`
<h1>${title}</h1>
<p role="alert">${message}</p>
<p class="muted">You can close this page and return to the application you came from.</p>`;
}

export interface LogoutView {
  action: string;
  csrf: string;
  username: string;
  /** Echoed so the confirmed logout can still go back to the client. */
  hidden: Record<string, string>;
}

/** RP-initiated logout without proof of who asked: the user confirms, so no site can sign them out unseen. */
export function logoutView(view: LogoutView): SafeHtml {
  return html`
<h1>Sign out?</h1>
<p>You are signed in as <strong>${view.username}</strong>.</p>
<form method="post" action="${view.action}">
  <input type="hidden" name="csrf" value="${view.csrf}">
  ${Object.entries(view.hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <div class="actions"><button type="submit" class="primary" autofocus>Sign out</button></div>
</form>`;
}

export function signedOutView(): SafeHtml {
  return html`
<h1>You are signed out</h1>
<p class="muted">You can close this page.</p>`;
}
