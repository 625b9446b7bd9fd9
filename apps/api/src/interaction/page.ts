import type { Response } from 'express';
import { html, type SafeHtml } from './html.js';

export interface PageOptions {
  title: string;
  /** Path prefix of the issuer, so links work behind a proxy that mounts us under a path. */
  basePath: string;
  /** Origins beyond our own the page may load images from (the client's logo). */
  imageOrigins?: string[];
  /** Origins a form on the page may end up at (the client's redirect URI, reached by a 303). */
  formTargets?: string[];
  /** The page runs our one script (`/interaction/webauthn.js`, for passkeys): `script-src 'self'`, nothing inline. */
  script?: boolean;
  /** A wider card: a page with several sections (the account page) or lists (the security page), rather than one small form. */
  wide?: boolean;
}

/**
 * Sends a server-rendered page with the headers every browser page gets:
 * a strict CSP (no scripts, or only our own file for passkey pages), no
 * framing, no referrer, never cached.
 */
export function sendPage(res: Response, status: number, body: SafeHtml, options: PageOptions) {
  const csp = [
    "default-src 'none'",
    ...(options.script ? ["script-src 'self'"] : []),
    `style-src 'self'`,
    `img-src ${["'self'", ...(options.imageOrigins ?? [])].join(' ')}`,
    `form-action ${["'self'", ...(options.formTargets ?? [])].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  res.set({
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': csp,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
  });
  res.status(status).send(layout(body, options).value);
}

function layout(body: SafeHtml, options: PageOptions): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${options.title} · Tollgate</title>
<link rel="stylesheet" href="${options.basePath}/interaction/style.css">
${options.script ? html`<script src="${options.basePath}/interaction/webauthn.js" defer></script>` : ''}
</head>
<body>
<main class="${options.wide ? 'card wide' : 'card'}">
${body}
</main>
</body>
</html>
`;
}

/** The pages' one stylesheet: served by us, so the CSP needs no inline styles. */
export const STYLESHEET = `
:root { color-scheme: light dark; --bg: #f4f5f7; --card: #fff; --text: #1d2433; --muted: #5b6475; --border: #d3d8e0;
  --accent: #2456d3; --accent-text: #fff; --danger: #b42318; --focus: #f5a524; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #11151c; --card: #1b212b; --text: #e8ebf1; --muted: #a3acbb; --border: #39424f; --accent: #6e9bff; --accent-text: #0b1020; --danger: #ff8a80; }
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; padding: 1rem; }
.card { width: 100%; max-width: 26rem; background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 2rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
p { margin: .5rem 0; }
.muted { color: var(--muted); font-size: .95rem; }
.notice { border-left: 4px solid var(--accent); padding: .5rem .75rem; background: var(--bg); }
label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
input[type=text], input[type=password] { width: 100%; padding: .6rem .7rem; font: inherit; color: inherit; background: transparent;
  border: 1px solid var(--border); border-radius: 8px; }
.check { display: flex; gap: .5rem; align-items: center; font-weight: 400; }
.actions { display: flex; gap: .75rem; margin-top: 1.5rem; flex-wrap: wrap; }
button { font: inherit; font-weight: 600; padding: .6rem 1.2rem; border-radius: 8px; border: 1px solid var(--border);
  background: transparent; color: inherit; cursor: pointer; flex: 1; }
button.primary { background: var(--accent); color: var(--accent-text); border-color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.error { color: var(--danger); border: 1px solid var(--danger); border-radius: 8px; padding: .5rem .75rem; margin-top: 1rem; }
.client { display: flex; gap: .75rem; align-items: center; margin-bottom: 1rem; }
.client img { width: 48px; height: 48px; border-radius: 8px; object-fit: contain; }
ul.scopes, ul.apis { padding-left: 1.2rem; margin: .5rem 0; }
ul.scopes li, ul.apis li { margin: .35rem 0; }
ul.apis code { display: block; overflow-wrap: anywhere; }
code { font-size: .9em; }
.user-code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; letter-spacing: .12em; text-transform: uppercase; }
a { color: var(--accent); }
.card.wide { max-width: 46rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; padding-top: 1rem; border-top: 1px solid var(--border); }
h3 { font-size: 1rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
.account-head { display: flex; gap: 1rem; justify-content: space-between; align-items: flex-start; flex-wrap: wrap; }
.toc { display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 1rem 0 0; font-size: .95rem; }
ul.items { list-style: none; padding: 0; margin: .5rem 0; }
li.item { border: 1px solid var(--border); border-radius: 8px; padding: .75rem 1rem; margin: .75rem 0; }
button.inline { flex: 0 0 auto; padding: .4rem .9rem; margin-top: .5rem; }
button.danger { color: var(--danger); border-color: var(--danger); }
.badge { display: inline-block; font-size: .8rem; font-weight: 600; padding: .05rem .5rem; border-radius: 999px;
  background: var(--accent); color: var(--accent-text); vertical-align: middle; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .25rem 0; font-size: .95rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
@media (max-width: 480px) { .card { padding: 1.25rem; } dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: .35rem; } }
a.button { display: inline-block; text-align: center; text-decoration: none; font-weight: 600; padding: .6rem 1.2rem; border-radius: 8px;
  background: var(--accent); color: var(--accent-text); flex: 1; }
.or { display: flex; align-items: center; gap: .75rem; color: var(--muted); margin: 1.25rem 0 0; font-size: .9rem; }
.or::before, .or::after { content: ""; flex: 1; border-top: 1px solid var(--border); }
.qr { display: block; width: 12rem; height: 12rem; margin: 1rem auto; background: #fff; border-radius: 8px; }
.qr svg { width: 100%; height: 100%; display: block; }
.secret { font-family: ui-monospace, monospace; overflow-wrap: anywhere; letter-spacing: .05em; }
ul.codes { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: .4rem;
  font-family: ui-monospace, monospace; font-size: 1.05rem; }
section.factor { border-top: 1px solid var(--border); margin-top: 1.25rem; padding-top: .75rem; }
section.factor h2 { font-size: 1.1rem; margin: 0 0 .25rem; padding-top: 0; border-top: 0; }
ul.keys { list-style: none; padding: 0; margin: .5rem 0; }
ul.keys li { display: flex; gap: .75rem; align-items: center; justify-content: space-between; padding: .4rem 0; }
ul.keys .key { flex: 1 1 auto; min-width: 0; overflow-wrap: anywhere; }
ul.keys form { flex: none; }
ul.keys form button { padding: .35rem .8rem; }
p.back { margin-top: 1.5rem; }
.status { font-weight: 600; }
details summary { cursor: pointer; color: var(--accent); margin-top: 1rem; }
input.code { letter-spacing: .2em; font-family: ui-monospace, monospace; }
`;

/**
 * The passkey pages' script: a button with `data-webauthn="create|get"` and
 * its options (JSON) in `data-options` runs the browser's WebAuthn ceremony,
 * puts the answer in its form's `credential` field and sends the form. The
 * buttons stay hidden where the browser has no WebAuthn.
 */
export const WEBAUTHN_SCRIPT = `'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var supported = !!(window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON);
  document.querySelectorAll('[data-webauthn]').forEach(function (button) {
    if (!supported) return;
    button.hidden = false;
    var form = button.form;
    var status = document.getElementById(button.getAttribute('data-status') || '');
    button.addEventListener('click', function (event) {
      event.preventDefault();
      if (form.reportValidity && !form.reportValidity()) return;
      var options = JSON.parse(button.getAttribute('data-options'));
      var create = button.getAttribute('data-webauthn') === 'create';
      var ceremony = create
        ? navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
        : navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
      if (status) status.textContent = 'Follow your browser\u2019s instructions\u2026';
      ceremony.then(function (credential) {
        form.elements.namedItem('credential').value = JSON.stringify(credential.toJSON());
        form.submit();
      }, function (error) {
        if (status) status.textContent = error && error.name === 'NotAllowedError'
          ? 'Cancelled, or no passkey for this site was found. Try again.'
          : 'The browser could not use a passkey: ' + (error && error.message ? error.message : 'unknown error') + '.';
      });
    });
  });
});
`;
