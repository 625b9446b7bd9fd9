import { isolate } from '../../validation/display-text.js';
import { html, type SafeHtml } from '../html.js';

export interface ConsentView {
  action: string;
  csrf: string;
  client: { name: string; siteUrl: string | null; logoUrl: string | null };
  username: string;
  scopes: { name: string; description: string }[];
  /** The APIs the application wants to reach with them (RFC 8707); empty when it names none. */
  apis: { name: string; identifier: string }[];
  /**
   * For a client no administrator registered, whose name and site anyone could
   * have chosen: what it cannot fake, where the browser goes after the answer,
   * and for a client known by its metadata document, the host that publishes it.
   */
  unverified: { destination: string; publishedAt: string | null } | null;
  /**
   * A device flow (RFC 8628): a warning against codes sent by someone else
   * (§5.4, remote phishing), and no "remember": each device is approved on its own.
   */
  device?: boolean;
}

/** What the client asks for, scope by scope, with Allow and Deny. */
export function consentView(view: ConsentView): SafeHtml {
  const { client } = view;
  return html`
<div class="client">
  ${client.logoUrl && html`<img src="${client.logoUrl}" alt="${isolate(client.name)} logo">`}
  <div>
    <h1><bdi>${client.name}</bdi></h1>
    ${client.siteUrl && html`<a href="${client.siteUrl}" rel="noopener noreferrer" target="_blank"><bdi>${client.siteUrl}</bdi></a>`}
  </div>
</div>
${view.unverified && html`<p class="notice">${view.unverified.publishedAt === null
    ? 'This application registered itself'
    : html`This application describes itself at <strong>${view.unverified.publishedAt}</strong>`}: nobody has checked who runs it. After you answer, you go to <strong><bdi>${view.unverified.destination}</bdi></strong>.</p>`}
<p><strong><bdi>${client.name}</bdi></strong> wants to use your account <strong>${view.username}</strong> to:</p>
<ul class="scopes">
  ${view.scopes.map((scope) => html`<li><bdi>${scope.description}</bdi> <span class="muted">(<code>${scope.name}</code>)</span></li>`)}
</ul>
${view.apis.length > 0 && html`<p>${view.apis.length === 1 ? 'at this API' : 'at these APIs'}:</p>
<ul class="apis">
  ${view.apis.map((api) => html`<li><strong><bdi>${api.name}</bdi></strong> <span class="muted"><bdi><code>${api.identifier}</code></bdi></span></li>`)}
</ul>`}
${view.device && html`<p class="notice">Allow only if you started this on your own device and entered the code it shows. If someone sent you the code, choose Deny.</p>`}
<form method="post" action="${view.action}">
  <input type="hidden" name="csrf" value="${view.csrf}">
  ${!view.device && html`<label class="check"><input type="checkbox" name="remember" value="yes" checked> Remember this decision</label>`}
  <div class="actions">
    <button type="submit" name="decision" value="allow" class="primary" autofocus>Allow</button>
    <button type="submit" name="decision" value="deny">Deny</button>
  </div>
</form>`;
}
