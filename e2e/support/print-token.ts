/**
 * What a service does with the token agent: gets a client-credentials token and prints it.
 * Env: TOLLGATE_ISSUER, CLIENT_ID, CLIENT_SECRET. Run with `node --import tsx`.
 */
import { TokenAgent } from '../../packages/token-agent/src/index.js';

const { TOLLGATE_ISSUER: issuer, CLIENT_ID: clientId, CLIENT_SECRET: clientSecret } = process.env;
if (!issuer || !clientId || !clientSecret) {
  console.error('print-token: set TOLLGATE_ISSUER, CLIENT_ID and CLIENT_SECRET');
  process.exit(2);
}

// The issuer's metadata names the token endpoint; no retries, so a refusal shows at once.
const agent = new TokenAgent({ issuer, clientId, clientSecret, retries: 0 });
process.stdout.write(`${await agent.authenticate()}\n`);
