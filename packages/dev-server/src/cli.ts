#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { API_RESOURCE, BILLING_RESOURCE, CLIENTS, DEMO_ACCOUNTS, SERVICE_SECRET, WEBAPP_SECRET } from './constants.js';
import { startDevServer } from './server.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: process.env['AUDIENCE_DEV_PORT'] ?? '4000' } } });
const server = await startDevServer({ port: Number(values.port) });

console.log(`Audience development authorization server (oidc-provider), for development only.
  issuer     ${server.issuer}
  discovery  ${server.issuer}/.well-known/openid-configuration
  APIs       ${API_RESOURCE} (read write), ${BILLING_RESOURCE} (invoices:read)
  clients    ${CLIENTS.spa} (public SPA, PKCE, rotating refresh tokens)
             ${CLIENTS.webapp} / ${WEBAPP_SECRET} (confidential web app)
             ${CLIENTS.service} / ${SERVICE_SECRET} (client credentials)
             ${CLIENTS.serviceJwt} (client credentials, private_key_jwt)
  accounts   ${DEMO_ACCOUNTS.map((a) => `${a.sub} / ${a.password}`).join(', ')}
Press Ctrl+C to stop.`);

const stop = (): void => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
