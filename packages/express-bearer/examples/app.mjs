import express from 'express';
import { bearerAuth, requireScope } from '@tollgate/express-bearer';

const app = express();
app.use(bearerAuth({
  issuer: process.env.TOLLGATE_URL ?? 'http://localhost:3000',
  introspection: { clientId: process.env.API_CLIENT_ID, clientSecret: process.env.API_CLIENT_SECRET },
}));
app.get('/things', (req, res) => res.json({ client: req.auth.clientId, scopes: req.auth.scopes }));
app.post('/things', requireScope('write'), (req, res) => res.status(201).json({ by: req.auth.clientId }));
app.listen(process.env.PORT ?? 4000, () => console.log(`listening on ${process.env.PORT ?? 4000}`));
