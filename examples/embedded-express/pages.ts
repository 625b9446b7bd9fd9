import type { InteractionDetails } from '@tollgate/api';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const layout = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Example Notes</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; display: grid; place-items: center; min-height: 100vh; background: light-dark(#f4f1ea, #1c1b19); color: light-dark(#222, #eee); }
  main { box-sizing: border-box; width: min(24rem, 100% - 2rem); padding: 1.5rem; border-radius: 12px; background: light-dark(#fff, #2a2926); box-shadow: 0 1px 4px #0003; }
  h1 { font-size: 1.3rem; margin-top: 0; } label { display: block; margin: .8rem 0 .3rem; }
  input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
  button { margin-top: 1rem; padding: .5rem 1rem; font-size: 1rem; } .error { color: light-dark(#a00, #f88); }
  ul { padding-left: 1.2rem; }
</style></head><body><main>${body}</main></body></html>`;

/** `csrf`: the form's token (csrf.ts), posted back in a hidden field. */
export function loginPage(details: InteractionDetails, csrf: string, error?: string, username?: string): string {
  return layout('Sign in', `
    <h1>Sign in to Example Notes</h1>
    <p>to continue to <strong>${escape(details.client.name)}</strong></p>
    ${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="/login?interaction=${escape(details.id)}">
      <input type="hidden" name="csrf" value="${escape(csrf)}">
      <label for="username">User name</label><input id="username" name="username" type="text" autocomplete="username" value="${escape(username ?? details.loginHint ?? '')}" required>
      <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
      <label><input type="checkbox" name="remember" value="yes"> Keep me signed in</label>
      <button type="submit">Sign in</button>
      <button type="submit" name="cancel" value="yes" formnovalidate>Cancel</button>
    </form>`);
}

export function consentPage(details: InteractionDetails, name: string, csrf: string): string {
  return layout('Allow access', `
    <h1>Allow ${escape(details.client.name)}?</h1>
    <p>Signed in as ${escape(name)}. ${escape(details.client.name)} asks to:</p>
    <ul>${details.scopes.map((s) => `<li>${escape(s.description)}</li>`).join('')}</ul>
    <form method="post" action="/consent?interaction=${escape(details.id)}">
      <input type="hidden" name="csrf" value="${escape(csrf)}">
      <label><input type="checkbox" name="remember" value="yes"> Remember this choice</label>
      <button type="submit" name="decision" value="allow">Allow</button>
      <button type="submit" name="decision" value="deny">Deny</button>
    </form>`);
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${escape(title)}</h1><p>${escape(message)}</p>`);
}
