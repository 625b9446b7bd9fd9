import { Router, type Request, type Response } from 'express';
import type { Storage } from '../../storage/types.js';
import { requireBearer } from '../bearer.js';
import type { DpopProofs } from '../dpop/proof.js';
import { DPOP_SIGNING_ALGORITHMS } from '../dpop/proof.js';
import { DpopChallenge, InvalidToken } from '../errors.js';
import { ownUserClaims, type AccountClaims } from '../tokens/claims.js';

/**
 * `GET`/`POST /oauth/userinfo` (OIDC Core §5.3): the claims an access token's
 * scopes release about its user. Needs `openid`. Bearer tokens carry no
 * cookies, so any origin may call it.
 */
export function userinfoEndpoint(options: { storage: Storage; issuer: string; dpop: DpopProofs; claims?: AccountClaims }): Router {
  const claimsOf = options.claims ?? ownUserClaims;
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
  const handler = async (req: Request, res: Response) => {
    const { user, scopes, token } = req.auth!;
    // A DPoP-bound token is refused with the DPoP challenge (RFC 9449 §7.1), any other with Bearer's.
    const refuse = (description: string) => (token.dpopJkt === null
      ? new InvalidToken(description, options.issuer)
      : new DpopChallenge('invalid_token', description, { realm: options.issuer, algs: DPOP_SIGNING_ALGORITHMS }));
    if (!user) throw refuse('This access token was not issued for a user.');
    const claims = await claimsOf(user, 'userinfo', scopes);
    if (claims === null) throw refuse('The account this token was issued for no longer exists.');
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    res.json({ ...claims, sub: user.id });
  };
  router.get('/oauth/userinfo', bearer, handler);
  router.post('/oauth/userinfo', bearer, handler);
  return router;
}
