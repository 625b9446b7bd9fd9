import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * CSRF tokens for this app's forms, without a server-side session (OWASP's
 * "signed double-submit cookie"): each browser gets a random id in an HttpOnly
 * cookie, and each form carries HMAC(secret, that id and the interaction it
 * answers) in a hidden field. Another site can make the browser post here, but
 * cannot read the cookie or the page, so it cannot know the token; a token
 * copied from its own browser names another id and is refused.
 *
 * `secret` must be the same on every instance of the app (and survive
 * restarts, or forms open during one are refused): 32 random bytes by default.
 */
export function csrfTokens(options: { secure: boolean; secret?: Buffer }) {
  const secret = options.secret ?? randomBytes(32);
  // __Host-: only this exact origin can set it (not a sibling subdomain), and only over https.
  const cookie = options.secure ? '__Host-csrf' : 'csrf';
  const attributes = `Path=/; HttpOnly; SameSite=Lax${options.secure ? '; Secure' : ''}`;

  const browserId = (req: Request): string | undefined => {
    const pair = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${cookie}=`));
    const value = pair?.slice(cookie.length + 1);
    return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  };
  const sign = (id: string, interaction: string) => createHmac('sha256', secret).update(`${id}\0${interaction}`).digest('base64url');

  return {
    /** The token for a form answering `interaction`; gives the browser its id first when it has none. */
    token(req: Request, res: Response, interaction: string): string {
      let id = browserId(req);
      if (!id) {
        id = randomBytes(32).toString('base64url');
        res.append('Set-Cookie', `${cookie}=${id}; ${attributes}`);
      }
      return sign(id, interaction);
    },

    /** Middleware for the form posts (after the body parser): refused unless the body's `csrf` is this browser's token for its interaction. */
    check(onRefused: (res: Response) => void) {
      return (req: Request, res: Response, next: NextFunction) => {
        const id = browserId(req);
        // The interaction as Tollgate reads it: the query's, else the form's.
        const interaction = typeof req.query.interaction === 'string' ? req.query.interaction : typeof req.body?.interaction === 'string' ? req.body.interaction : '';
        const given = Buffer.from(typeof req.body?.csrf === 'string' ? req.body.csrf : '');
        const expected = Buffer.from(id ? sign(id, interaction) : '');
        if (!id || given.length !== expected.length || !timingSafeEqual(given, expected)) return onRefused(res);
        next();
      };
    },
  };
}
