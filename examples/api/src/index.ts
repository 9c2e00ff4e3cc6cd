// Example API (a resource server): one Node process serving two APIs, each verifying its own audience.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createResourceServer, requireAccessToken, type AuthenticatedRequest, type ResourceServer } from '@audience/node';

export const API = 'https://api.example.com';
export const BILLING = 'https://billing.example.com';

export interface ExampleApi {
  readonly url: string;
  /**
   * Answers the next `count` API calls 401 `invalid_token` (as after a revocation or a restart of the API), or with
   * `status` 403, 403 `insufficient_scope`.
   */
  rejectNext(count: number, status?: 401 | 403): void;
  close(): Promise<void>;
}

const items = ['Tea', 'Coffee', 'Cake'];

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** What a caller may see of the token it sent: who, for which API, which scopes, until when. */
function describe(req: IncomingMessage): Record<string, unknown> {
  const { sub, client_id, aud, scope, exp } = (req as AuthenticatedRequest).auth;
  return { sub, client_id, aud, scope, exp, expiresIn: Math.round(exp - Date.now() / 1000) };
}

/**
 * Starts the example API on 127.0.0.1: `GET /api/items` (scope `read`), `POST /api/items` (`write`) for
 * https://api.example.com, and `GET /billing/invoices` (`invoices:read`) for https://billing.example.com.
 */
export async function startExampleApi(options: { issuer: string; port?: number; corsOrigins?: readonly string[] }): Promise<ExampleApi> {
  const verifier = (audience: string): ResourceServer =>
    createResourceServer({ issuer: options.issuer, audience, dangerouslyAllowInsecureHttp: true });
  const api = verifier(API);
  const billing = verifier(BILLING);
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    'GET /api/items': (req, res) => requireAccessToken(api, { requiredScopes: ['read'] })(req, res, () => json(res, 200, { items, token: describe(req) })),
    'POST /api/items': (req, res) => requireAccessToken(api, { requiredScopes: ['write'] })(req, res, () => json(res, 201, { created: true, token: describe(req) })),
    'GET /billing/invoices': (req, res) =>
      requireAccessToken(billing, { requiredScopes: ['invoices:read'] })(req, res, () => json(res, 200, { invoices: [{ id: 'INV-1', total: 42 }], token: describe(req) })),
  };
  let rejecting = 0;
  let rejectWith: 401 | 403 = 401;
  const server = createServer((req, res) => {
    const origin = req.headers.origin;
    if (origin && (options.corsOrigins ?? []).includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-headers', 'authorization, content-type');
      res.setHeader('access-control-expose-headers', 'www-authenticate');
      res.setHeader('vary', 'origin');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-methods': 'GET, POST' }).end();
      return;
    }
    const route = routes[`${req.method} ${new URL(req.url ?? '/', 'http://localhost').pathname}`];
    if (route && rejecting > 0) {
      rejecting--;
      const error = rejectWith === 401 ? 'invalid_token' : 'insufficient_scope';
      res.writeHead(rejectWith, { 'www-authenticate': `Bearer error="${error}"`, 'content-type': 'application/json' });
      res.end(JSON.stringify({ error }));
    } else if (route) route(req, res);
    else json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject); // a port in use is the caller's to report
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rejectNext(count, status = 401) {
      rejecting = count;
      rejectWith = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
