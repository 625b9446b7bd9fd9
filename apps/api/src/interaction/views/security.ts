import { html, SafeHtml } from '../html.js';

/** A form that is one button: its action, CSRF token and label. */
export interface ButtonForm { action: string; csrf: string }

export interface SecurityView {
  username: string;
  /** Where to go back to an unfinished sign-in, when the user came from one. */
  continueHref: string | null;
  /** The account page, when the user did not come from a sign-in. */
  accountHref: string | null;
  notice: string | null;
  error: string | null;
  totp: { enabled: boolean; start: ButtonForm; remove: ButtonForm };
  passkeys: { list: { id: string; name: string; createdAt: number; lastUsedAt: number | null; remove: ButtonForm }[]; add: ButtonForm & { options: string } };
  recovery: { left: number; regenerate: ButtonForm } | null;
}

const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function button(form: ButtonForm, label: SafeHtml | string, primary = false, name?: string): SafeHtml {
  return html`<form method="post" action="${form.action}"><input type="hidden" name="csrf" value="${form.csrf}">${name ? html`<input type="hidden" name="name" value="${name}">` : ''}<button type="submit"${primary ? html` class="primary"` : ''}>${label}</button></form>`;
}

/** The user's second factors: an authenticator app, passkeys, recovery codes; each added or removed here. */
export function securityView(view: SecurityView): SafeHtml {
  return html`
<h1>Sign-in and security</h1>
<p class="muted">Signed in as <strong>${view.username}</strong>. A second factor keeps your account safe even if someone learns your password.</p>
${view.notice && html`<p class="notice" role="status">${view.notice}</p>`}
${view.error && html`<p class="error" role="alert">${view.error}</p>`}
${view.continueHref && html`<div class="actions"><a class="button" href="${view.continueHref}">Continue signing in</a></div>`}
<section class="factor" aria-labelledby="totp-heading">
  <h2 id="totp-heading">Authenticator app</h2>
  <p>Status: <span class="status">${view.totp.enabled ? 'on' : 'off'}</span></p>
  <p class="muted">An app such as Google Authenticator, Microsoft Authenticator or 1Password shows a new 6-digit code every 30 seconds.</p>
  <div class="actions">${view.totp.enabled ? button(view.totp.remove, 'Remove authenticator app') : button(view.totp.start, 'Set up authenticator app', true)}</div>
</section>
<section class="factor" aria-labelledby="passkeys-heading">
  <h2 id="passkeys-heading">Passkeys and security keys</h2>
  ${view.passkeys.list.length === 0
    ? html`<p class="muted">None yet. A passkey signs you in with your fingerprint, face, screen lock or a security key, and cannot be phished.</p>`
    : html`<ul class="keys">${view.passkeys.list.map((key) => html`<li><span class="key"><strong>${key.name}</strong><br><span class="muted">added ${date(key.createdAt)}${key.lastUsedAt !== null ? html`, last used ${date(key.lastUsedAt)}` : ''}</span></span>${button(key.remove, html`Remove<span class="visually-hidden"> ${key.name}</span>`)}</li>`)}</ul>`}
  <form method="post" action="${view.passkeys.add.action}">
    <input type="hidden" name="csrf" value="${view.passkeys.add.csrf}">
    <input type="hidden" name="credential" value="">
    <label for="passkey-name">Name for a new passkey</label>
    <input type="text" id="passkey-name" name="name" maxlength="60" value="Passkey" required>
    <div class="actions"><button type="submit" class="primary" data-webauthn="create" data-status="passkey-status" data-options="${view.passkeys.add.options}" hidden>Add a passkey</button></div>
    <p class="muted" id="passkey-status" role="status" aria-live="polite"></p>
  </form>
</section>
${view.recovery && html`
<section class="factor" aria-labelledby="recovery-heading">
  <h2 id="recovery-heading">Recovery codes</h2>
  <p>${view.recovery.left} unused recovery code${view.recovery.left === 1 ? '' : 's'} left.</p>
  <p class="muted">Each one signs you in once if you lose your phone or key. New codes replace all the old ones.</p>
  <div class="actions">${button(view.recovery.regenerate, 'Make new recovery codes')}</div>
</section>`}
${view.accountHref && html`<p class="back"><a href="${view.accountHref}">Back to your account</a></p>`}`;
}

export interface TotpSetupView {
  /** The QR code library's SVG: markup made from our own URI, inserted as it is. */
  qrSvg: string;
  secret: string;
  action: string;
  csrf: string;
  error: string | null;
  back: string;
}

/** The QR code (SVG made by the server), the secret for typing in, and the first code to confirm it. */
export function totpSetupView(view: TotpSetupView): SafeHtml {
  return html`
<h1>Set up an authenticator app</h1>
<ol>
  <li>Scan this QR code with your authenticator app.</li>
  <li>Enter the 6-digit code it shows.</li>
</ol>
<div class="qr" role="img" aria-label="QR code for your authenticator app">${new SafeHtml(view.qrSvg)}</div>
<p class="muted">Cannot scan? Enter this key in the app instead:</p>
<p class="secret" id="totp-secret">${view.secret.replace(/(.{4})/g, '$1 ').trim()}</p>
${view.error && html`<p class="error" role="alert" id="totp-error">${view.error}</p>`}
<form method="post" action="${view.action}" novalidate>
  <input type="hidden" name="csrf" value="${view.csrf}">
  <label for="code">Code from the app</label>
  <input type="text" id="code" name="code" class="code" inputmode="numeric" autocomplete="one-time-code" maxlength="8" required autofocus${view.error ? html` aria-describedby="totp-error"` : ''}>
  <div class="actions"><button type="submit" class="primary">Turn on</button></div>
</form>
<p><a href="${view.back}">Cancel</a></p>`;
}

/** Shown once: the codes are stored only as hashes. */
export function recoveryCodesView(view: { codes: string[]; next: string; continueLabel: string }): SafeHtml {
  return html`
<h1>Save your recovery codes</h1>
<p>If you lose your phone or security key, each of these codes signs you in once. Keep them somewhere safe, such as a password manager.</p>
<p class="notice"><strong>This is the only time they are shown.</strong></p>
<ul class="codes" aria-label="Recovery codes">${view.codes.map((code) => html`<li>${code}</li>`)}</ul>
<div class="actions"><a class="button" href="${view.next}">${view.continueLabel}</a></div>`;
}

export interface ConfirmView {
  username: string;
  action: string;
  csrf: string;
  error: string | null;
  /** A link away without confirming (the account page), or none. */
  back: string | null;
}

/** Changing second factors needs a recent sign-in: the password again. */
export function confirmPasswordView(view: ConfirmView): SafeHtml {
  return html`
<h1>Confirm it is you</h1>
<p class="muted">Signed in as <strong>${view.username}</strong>. Enter your password to change how you sign in.</p>
${view.error && html`<p class="error" role="alert" id="confirm-error">${view.error}</p>`}
<form method="post" action="${view.action}" novalidate>
  <input type="hidden" name="csrf" value="${view.csrf}">
  <input type="text" name="username" value="${view.username}" autocomplete="username" hidden>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required autofocus${view.error ? html` aria-describedby="confirm-error"` : ''}>
  <div class="actions"><button type="submit" class="primary">Confirm</button></div>
</form>
${view.back && html`<p class="back"><a href="${view.back}">Cancel</a></p>`}`;
}
