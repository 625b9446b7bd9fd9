import express from 'express';
import { bearerAuth } from '@tollgate/express-bearer';
import { createClient, createTollgate, rotateClientSecret, StateConflictError, NotFoundError } from '@tollgate/api';
import { checkPassword, findUser } from './users.js';
import { consentPage, loginPage, messagePage } from './pages.js';
import { csrfTokens } from './csrf.js';

const port = Number(process.env.PORT ?? 4000);
const issuer = process.env.ISSUER ?? `http://localhost:${port}`;
const system = { type: 'system' as const, id: 'example', sourceAddress: null };

const tollgate = await createTollgate({
  issuer,
  database: process.env.DATABASE_URL ?? 'sqlite:./data/example.sqlite',
  settings: { KEY_FILE: process.env.KEY_FILE ?? './data/tollgate.key', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  // Tollgate sends the browser to these pages with ?interaction=ID.
  loginUrl: '/login',
  consentUrl: '/consent',
  // Claims for ID tokens and userinfo come from this app's users; Tollgate releases them by scope.
  findAccount: (subject) => {
    const user = findUser(subject);
    return user && { claims: () => ({ name: user.name, preferred_username: user.username, email: user.email, email_verified: true }) };
  },
  authenticate: (username, password) => {
    const user = checkPassword(username, password);
    return user && { subject: user.id };
  },
});

// The relying party people sign in to, and the API's client (to introspect tokens), made on first start.
await tollgate.storage.scopes.upsert('notes', 'Read your notes', Date.now());
const { items } = await tollgate.storage.clients.list({ limit: 200 });
let app = items.find((c) => c.name === 'Example Notes web');
if (!app) {
  app = (await createClient(tollgate.storage, {
    name: 'Example Notes web', grantTypes: ['authorization_code', 'refresh_token'], scopes: ['openid', 'profile', 'email', 'offline_access', 'notes'],
    redirectUris: [`${issuer}/callback`, 'http://127.0.0.1/callback'], tokenEndpointAuthMethod: 'none',
  }, system)).client;
}
let api = items.find((c) => c.name === 'Example Notes API');
api ??= (await createClient(tollgate.storage, { name: 'Example Notes API', grantTypes: [], scopes: [], resourceServer: true }, system)).client;
// The API's secret lives only in this process: a new one at each start.
const apiSecret = (await rotateClientSecret(tollgate.storage, api.id, system)).secret;

const server = express();
server.disable('x-powered-by');
// The host's own pages carry the headers Tollgate's do: no framing, no referrer, nothing loaded from elsewhere.
// (No form-action: after a form post the browser is redirected on to the client, which form-action would block.)
server.use((_req, res, next) => {
  res.set({
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store',
  });
  next();
});
// Tollgate first: it reads its own request bodies. It answers /oauth/*, /.well-known/* and /interaction/*.
server.use('/oauth', tollgate.router);
server.use('/.well-known', tollgate.router);
server.use('/interaction', tollgate.router);
server.use(express.urlencoded({ extended: false, limit: '8kb' }));
// Every form carries a CSRF token bound to this browser and to the interaction it answers; a post without it is refused.
// Set CSRF_SECRET (64 hex digits) when several instances serve the pages, or open forms should survive a restart.
if (process.env.CSRF_SECRET !== undefined && !/^[0-9a-f]{64,}$/i.test(process.env.CSRF_SECRET)) throw new Error('CSRF_SECRET must be at least 64 hex digits (32 bytes)');
const csrf = csrfTokens({ secure: issuer.startsWith('https:'), secret: process.env.CSRF_SECRET ? Buffer.from(process.env.CSRF_SECRET, 'hex') : undefined });
const refused = (res: express.Response) => void res.status(403).send(messagePage('Request refused', 'This form has expired or was not sent from this site. Return to the application and start again.'));
server.post(['/login', '/consent'], (req, res, next) => {
  // A second line: browsers say where a request comes from in Sec-Fetch-Site (with Referrer-Policy no-referrer, Origin may be "null").
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const crossSite = site !== undefined ? site !== 'same-origin' && site !== 'none' : origin !== undefined && origin !== 'null' && origin !== new URL(issuer).origin;
  if (crossSite) return refused(res);
  next();
}, csrf.check(refused));

/** Tollgate's errors about the interaction, as a page: expired, finished, from another browser. */
async function guarded(res: express.Response, work: () => Promise<void>) {
  try {
    await work();
  } catch (error) {
    if (error instanceof StateConflictError || error instanceof NotFoundError) {
      res.status(400).send(messagePage('Sign-in request expired', 'Return to the application and start again.'));
      return;
    }
    throw error;
  }
}

server.get('/login', (req, res) => guarded(res, async () => {
  const details = await tollgate.interactions.get(req);
  res.send(loginPage(details, csrf.token(req, res, details.id)));
}));

server.post('/login', (req, res) => guarded(res, async () => {
  const details = await tollgate.interactions.get(req);
  if (req.body.cancel === 'yes') return tollgate.interactions.deny(req, res, 'The user cancelled the sign-in.');
  const user = checkPassword(String(req.body.username ?? ''), String(req.body.password ?? ''));
  if (!user) return void res.status(401).send(loginPage(details, csrf.token(req, res, details.id), 'The user name or password is not right.', String(req.body.username ?? '')));
  // The subject comes from this app's own check, never from the browser.
  await tollgate.interactions.finish(req, res, { login: { subject: user.id, amr: ['pwd'], remember: req.body.remember === 'yes' } });
}));

server.get('/consent', (req, res) => guarded(res, async () => {
  const details = await tollgate.interactions.get(req);
  res.send(consentPage(details, findUser(details.subject ?? '')?.name ?? 'unknown', csrf.token(req, res, details.id)));
}));

server.post('/consent', (req, res) => guarded(res, async () => {
  const details = await tollgate.interactions.get(req);
  if (req.body.decision !== 'allow') return tollgate.interactions.deny(req, res, 'The user denied the request.');
  await tollgate.interactions.finish(req, res, { consent: { scopes: details.scopes.map((s) => s.name), remember: req.body.remember === 'yes' } });
}));

// The protected route: the seed's oauth_required, with a scope.
const notes: Record<string, string[]> = { 'u-1001': ['Follow the white rabbit'], 'u-1002': ['Fix the roof'] };
server.get('/api/notes', bearerAuth({ issuer, scope: 'notes', introspection: { clientId: api.id, clientSecret: apiSecret } }), (req, res) => {
  const subject = req.auth!.subject ?? '';
  res.json({ subject, notes: notes[subject] ?? [] });
});

server.get('/example/client', (_req, res) => {
  res.json({ clientId: app.id });
});

const listener = server.listen(port, () => {
  console.log(`Example Notes at ${issuer}\n  client_id: ${app.id}\n  users: alice / wonderland, bob / builder123`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    listener.close();
    void tollgate.close().then(() => process.exit(0));
  });
}
