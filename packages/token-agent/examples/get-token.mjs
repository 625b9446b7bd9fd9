import { TokenAgent } from '@tollgate/token-agent';

const agent = new TokenAgent({
  url: process.env.TOLLGATE_URL ?? 'http://localhost:3000',
  clientId: process.env.CLIENT_ID,
  clientSecret: process.env.CLIENT_SECRET,
});
const first = await agent.authenticate();
const again = await agent.authenticate(); // from the cache: no second request
console.log(first === again ? 'got a token and reused it:' : 'tokens differ:', `${first.slice(0, 12)}…`);
