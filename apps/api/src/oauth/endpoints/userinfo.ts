import { Router, type Request, type Response } from 'express';
import type { Storage } from '../../storage/types.js';
import { requireBearer } from '../bearer.js';
import { InvalidToken } from '../errors.js';
import { ownUserClaims, type AccountClaims } from '../tokens/claims.js';

/**
 * `GET`/`POST /oauth/userinfo` (OIDC Core §5.3): the claims an access token's
 * scopes release about its user. Needs `openid`. Bearer tokens carry no
 * cookies, so any origin may call it.
 */
export function userinfoEndpoint(options: { storage: Storage; issuer: string; claims?: AccountClaims }): Router {
  const claimsOf = options.claims ?? ownUserClaims;
  const router = Router();
  const bearer = requireBearer({ storage: options.storage, realm: options.issuer, scope: 'openid' });
  router.use('/oauth/userinfo', (req, res, next) => {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Authorization', 'Access-Control-Expose-Headers': 'WWW-Authenticate' });
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET, POST').status(204).end();
      return;
    }
    next();
  });
  const handler = async (req: Request, res: Response) => {
    const { user, scopes } = req.auth!;
    if (!user) throw new InvalidToken('This access token was not issued for a user.', options.issuer);
    const claims = await claimsOf(user, 'userinfo', scopes);
    if (claims === null) throw new InvalidToken('The account this token was issued for no longer exists.', options.issuer);
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    res.json({ ...claims, sub: user.id });
  };
  router.get('/oauth/userinfo', bearer, handler);
  router.post('/oauth/userinfo', bearer, handler);
  return router;
}
