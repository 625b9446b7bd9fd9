/** A page the browser landed on: its URL and its HTML (empty where it stopped before fetching it). */
export interface Page {
  url: string;
  text: string;
}

/**
 * Just enough of a browser for driving Tollgate's sign-in and consent pages over
 * real HTTP: a cookie jar, redirects followed by hand, and form submission.
 */
export class CookieBrowser {
  private readonly cookies = new Map<string, string>();

  /** Sets a cookie as if a response had (a session made directly in storage, say). */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async go(url: string, init: RequestInit = {}, stopAt?: string): Promise<Page> {
    let current = url;
    let request = init;
    for (let hops = 0; hops < 10; hops++) {
      if (stopAt && current.startsWith(stopAt)) return { url: current, text: '' };
      const res = await fetch(current, { ...request, redirect: 'manual', headers: { ...request.headers as Record<string, string>, cookie: this.cookieHeader() } });
      for (const cookie of res.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
        if (value === '') this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).href;
        request = {};
        continue;
      }
      return { url: current, text: await res.text() };
    }
    throw new Error('too many redirects');
  }

  /**
   * Posts the page's first form (or the one posting to `options.action`) with
   * its hidden fields plus `fields`, as pressing its first button would.
   */
  submit(page: Page, fields: Record<string, string>, options: { stopAt?: string; action?: string } = {}): Promise<Page> {
    const forms = [...page.text.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form = options.action === undefined ? forms[0] : forms.find((f) => f[1] === options.action);
    if (!form) throw new Error(`no form on ${page.url}:\n${page.text}`);
    const action = form[1]!;
    const hidden = Object.fromEntries([...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
    const body = new URLSearchParams({ ...hidden, ...fields });
    return this.go(new URL(action.replace(/&amp;/g, '&'), page.url).href, {
      method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }, options.stopAt);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}
