import { html, type SafeHtml } from '../html.js';

export interface SecondFactorView {
  heading: string;
  intro: SafeHtml | string;
  /** Where each answer goes, with the form's CSRF token. */
  action: string;
  csrf: string;
  totp: boolean;
  /** Options for the passkey button, or null when the user has none (or it cannot be used here). */
  passkeyOptions: string | null;
  recovery: boolean;
  error: string | null;
  /** A form under the answers: cancel the sign-in, or sign out. */
  cancel: { action: string; csrf: string; label: SafeHtml | string } | null;
  /** A link away without answering (the account page), or none. */
  back?: string | null;
}

/** After the password: an authenticator code, a passkey, or a recovery code. Each is its own small form. */
export function secondFactorView(view: SecondFactorView): SafeHtml {
  const described = view.error ? html` aria-describedby="factor-error"` : '';
  return html`
<h1>${view.heading}</h1>
<p class="muted">${view.intro}</p>
${view.error && html`<p class="error" role="alert" id="factor-error">${view.error}</p>`}
${view.passkeyOptions && html`
<form method="post" action="${view.action}">
  <input type="hidden" name="csrf" value="${view.csrf}">
  <input type="hidden" name="method" value="passkey">
  <input type="hidden" name="credential" value="">
  <div class="actions"><button type="submit" class="primary" data-webauthn="get" data-status="passkey-status" data-options="${view.passkeyOptions}" hidden>Use a passkey or security key</button></div>
  <p class="muted" id="passkey-status" role="status" aria-live="polite"></p>
</form>`}
${view.totp && html`
${view.passkeyOptions && html`<p class="or">or</p>`}
<form method="post" action="${view.action}" novalidate>
  <input type="hidden" name="csrf" value="${view.csrf}">
  <input type="hidden" name="method" value="totp">
  <label for="code">Code from your authenticator app</label>
  <input type="text" id="code" name="code" class="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="8" required autofocus${described}>
  <div class="actions"><button type="submit" class="primary">Verify</button></div>
</form>`}
${view.recovery && html`
<details${view.totp || view.passkeyOptions ? '' : html` open`}>
  <summary>Use a recovery code</summary>
  <form method="post" action="${view.action}" novalidate>
    <input type="hidden" name="csrf" value="${view.csrf}">
    <input type="hidden" name="method" value="recovery">
    <label for="recovery-code">Recovery code</label>
    <input type="text" id="recovery-code" name="code" class="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" required>
    <p class="muted">Each recovery code works once.</p>
    <div class="actions"><button type="submit">Use recovery code</button></div>
  </form>
</details>`}
${view.cancel && html`
<form method="post" action="${view.cancel.action}">
  <input type="hidden" name="csrf" value="${view.cancel.csrf}">
  <div class="actions"><button type="submit">${view.cancel.label}</button></div>
</form>`}
${view.back && html`<p class="back"><a href="${view.back}">Cancel</a></p>`}`;
}

/** The policy wants a second factor and the user has none: they set one up on the security page first. */
export function enrolView(view: { username: string; href: string }): SafeHtml {
  return html`
<h1>Set up a second factor</h1>
<p>Signed in as <strong>${view.username}</strong>. This account must use a second factor to sign in: an authenticator app or a passkey.</p>
<p class="muted">Set one up now; you come back here when it is done.</p>
<div class="actions"><a class="button" href="${view.href}">Set up a second factor</a></div>`;
}
