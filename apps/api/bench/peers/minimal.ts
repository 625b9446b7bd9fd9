/**
 * The floor: a token endpoint on bare node:http that checks one Basic
 * credential and mints a random token, storing nothing. Usage: minimal.ts <port> <id> <secret>
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const [port, id, secret] = process.argv.slice(2);
const expected = Buffer.from(`Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`);

http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk));
  req.on('end', () => {
    const auth = Buffer.from(req.headers.authorization ?? '');
    const params = new URLSearchParams(body);
    const ok = auth.length === expected.length && timingSafeEqual(auth, expected) && params.get('grant_type') === 'client_credentials';
    const payload = ok
      ? JSON.stringify({ access_token: randomBytes(32).toString('base64url'), token_type: 'Bearer', expires_in: 3600 })
      : JSON.stringify({ error: 'invalid_client' });
    res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(payload) });
    res.end(payload);
  });
}).listen(Number(port), '127.0.0.1');
