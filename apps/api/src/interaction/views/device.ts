import { html, type SafeHtml } from '../html.js';

export interface DeviceCodeView {
  action: string;
  csrf: string;
  /** What the person typed, or the code `verification_uri_complete` carried: never submitted without them (RFC 8628 §3.3.1). */
  userCode: string;
  /** The code came in the address: ask the person to compare it with the device's. */
  prefilled: boolean;
  error: string | null;
}

/** Where the person types (or confirms) the code their device shows. */
export function deviceCodeView(view: DeviceCodeView): SafeHtml {
  return html`
<h1>Connect a device</h1>
<p>${view.prefilled
    ? 'Check that this code is the one your device shows, then continue.'
    : 'Enter the code your device shows. Upper or lower case, with or without the dash.'}</p>
${view.error && html`<p class="error" role="alert" id="code-error">${view.error}</p>`}
<form method="post" action="${view.action}" novalidate>
  <input type="hidden" name="csrf" value="${view.csrf}">
  <label for="user_code">Code</label>
  <input type="text" id="user_code" name="user_code" class="user-code" value="${view.userCode}" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" maxlength="20" required autofocus${view.error ? html` aria-describedby="code-error"` : ''}>
  <div class="actions"><button type="submit" class="primary">Continue</button></div>
</form>`;
}

/** The person approved: the device gets its tokens at its next poll. */
export function deviceApprovedView(clientName: string): SafeHtml {
  return html`
<h1>Device connected</h1>
<p role="status"><strong><bdi>${clientName}</bdi></strong> may now use your account. You may return to your device.</p>
<p class="muted">You can close this page.</p>`;
}

/** The person denied (or cancelled): the device hears access_denied. */
export function deviceDeniedView(clientName: string): SafeHtml {
  return html`
<h1>Request denied</h1>
<p role="status"><strong><bdi>${clientName}</bdi></strong> will not be connected to your account. You may return to your device.</p>
<p class="muted">You can close this page.</p>`;
}
