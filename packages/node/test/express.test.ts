import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { API_RESOURCE, BILLING_RESOURCE, CLIENTS } from '@audience/dev-server';
import { createResourceServer, requireAccessToken, type AuthenticatedRequest } from '@audience/node';
import { serviceClient, useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer();
let app: Server;
let url: string;
beforeAll(async () => {
  const api = createResourceServer({ issuer: env.server.issuer, audience: API_RESOURCE, dangerouslyAllowInsecureHttp: true });
  const routes = express();
  routes.get('/items', requireAccessToken(api, { requiredScopes: ['read'] }), (req, res) => {
    res.json({ sub: (req as unknown as AuthenticatedRequest).auth.sub });
  });
  routes.post('/items', requireAccessToken(api, { requiredScopes: ['write'] }), (_req, res) => void res.status(201).json({ created: true }));
  app = routes.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => app.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => app.close(() => resolve())));

it('requireAccessToken works as Express middleware: 200 with req.auth, 401 challenge, 403 insufficient_scope', async () => {
  const read = await serviceClient(env.server).getAccessToken(API_RESOURCE, { scopes: ['read'] });
  const ok = await fetch(`${url}/items`, { headers: { authorization: `Bearer ${read}` } });
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual({ sub: CLIENTS.service });

  const none = await fetch(`${url}/items`);
  expect(none.status).toBe(401);
  expect(none.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);

  const billing = await serviceClient(env.server).getAccessToken(BILLING_RESOURCE, { scopes: ['invoices:read'] });
  expect((await fetch(`${url}/items`, { headers: { authorization: `Bearer ${billing}` } })).status).toBe(401);

  const forbidden = await fetch(`${url}/items`, { method: 'POST', headers: { authorization: `Bearer ${read}` } });
  expect(forbidden.status).toBe(403);
  expect(forbidden.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", scope="write"/);
});
