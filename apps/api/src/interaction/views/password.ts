import { html, type SafeHtml } from '../html.js';

export interface PasswordView {
  action: string;
  csrf: string;
  username: string;
  errors: { password?: string; confirm?: string };
}

/** Shown after signing in with a password someone else chose: the user picks their own before going on. */
export function passwordView(view: PasswordView): SafeHtml {
  const { errors } = view;
  return html`
<h1>Choose a new password</h1>
<p class="muted">Signed in as <strong>${view.username}</strong>. Your password was set by an administrator; choose your own to continue.</p>
<form method="post" action="${view.action}" novalidate>
  <input type="hidden" name="csrf" value="${view.csrf}">
  <input type="text" name="username" value="${view.username}" autocomplete="username" hidden>
  <label for="password">New password</label>
  <input type="password" id="password" name="password" autocomplete="new-password" minlength="8" required autofocus aria-describedby="password-help${errors.password ? ' password-error' : ''}">
  <p class="muted" id="password-help">At least 8 characters. A few unrelated words make a strong password.</p>
  ${errors.password && html`<p class="error" role="alert" id="password-error">${errors.password}</p>`}
  <label for="confirm">Repeat the new password</label>
  <input type="password" id="confirm" name="confirm" autocomplete="new-password" required${errors.confirm ? html` aria-describedby="confirm-error"` : ''}>
  ${errors.confirm && html`<p class="error" role="alert" id="confirm-error">${errors.confirm}</p>`}
  <div class="actions"><button type="submit" class="primary">Save and continue</button></div>
</form>`;
}
