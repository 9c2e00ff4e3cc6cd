// An API that accepts only access tokens issued for it (RFC 9068 JWTs offline; opaque ones by introspection).
import { createServer } from 'node:http';
import { createResourceServer, requireAccessToken, type AuthenticatedRequest } from '@audience/node';

const api = createResourceServer({ issuer: 'https://auth.example.com', audience: 'https://api.example.com' });

createServer((req, res) =>
  requireAccessToken(api, { requiredScopes: ['read'] })(req, res, () => {
    // 401 invalid_token and 403 insufficient_scope were answered already, with their WWW-Authenticate challenge.
    res.end(JSON.stringify({ hello: (req as AuthenticatedRequest).auth.sub }));
  }),
).listen(8080, '127.0.0.1');
