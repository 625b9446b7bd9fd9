import { Router, type Request, type Response } from 'express';
import type { Storage } from '../../storage/types.js';
import { requireBearer } from '../bearer.js';
import type { DpopProofs } from '../dpop/proof.js';
import { DPOP_SIGNING_ALGORITHMS } from '../dpop/proof.js';
import { DpopChallenge, InvalidToken } from '../errors.js';
import { userClaims } from '../tokens/claims.js';

/**
 * `GET`/`POST /oauth/userinfo` (OIDC Core §5.3): the claims an access token's
 * scopes release about its user. Needs `openid`. Bearer tokens carry no
 * cookies, so any origin may call it.
 */
export function userinfoEndpoint(options: { storage: Storage; issuer: string; dpop: DpopProofs }): Router {
  const router = Router();
  const bearer = requireBearer({
    storage: options.storage, realm: options.issuer, scope: 'openid', dpop: { proofs: options.dpop, url: `${options.issuer}/oauth/userinfo` },
  });
  router.use('/oauth/userinfo', (req, res, next) => {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Authorization, DPoP', 'Access-Control-Expose-Headers': 'WWW-Authenticate, DPoP-Nonce' });
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET, POST').status(204).end();
      return;
    }
    next();
  });
  const handler = (req: Request, res: Response) => {
    const { user, scopes, token } = req.auth!;
    if (!user) {
      const description = 'This access token was not issued for a user.';
      throw token.dpopJkt === null ? new InvalidToken(description, options.issuer) : new DpopChallenge('invalid_token', description, { realm: options.issuer, algs: DPOP_SIGNING_ALGORITHMS });
    }
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    res.json(userClaims(user, scopes));
  };
  router.get('/oauth/userinfo', bearer, handler);
  router.post('/oauth/userinfo', bearer, handler);
  return router;
}
