import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { CLIENTS, SERVICE_SECRET, startDevServer, type DevServer } from '@audience/dev-server';
import { createServiceClient, type ServiceClientOptions } from '@audience/node';

export function startServer(): Promise<DevServer> {
  return startDevServer({ interactionMode: 'auto' });
}

/** Moves the process clock (Date only) so the server and the clients agree on time. */
export function systemClock(): { advance(seconds: number): void; restore(): void } {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now());
  return { advance: (s) => vi.setSystemTime(Date.now() + s * 1000), restore: () => vi.useRealTimers() };
}

export function serviceClient(server: DevServer, overrides: Partial<ServiceClientOptions> = {}) {
  return createServiceClient({
    issuer: server.issuer,
    clientId: CLIENTS.service,
    clientSecret: SERVICE_SECRET,
    dangerouslyAllowInsecureHttp: true,
    ...overrides,
  } as ServiceClientOptions);
}

export const tokenRequests = (server: DevServer) => server.control.requests('token').filter((r) => r.grantType === 'client_credentials');

export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * One dev server for a test file, with the process clock faked for each test (Date only) and the request log and
 * faults cleared before it. Read `env.server` and `env.clock` inside tests.
 */
export function useDevServer(): { readonly server: DevServer; readonly clock: ReturnType<typeof systemClock> } {
  const env = {} as { server: DevServer; clock: ReturnType<typeof systemClock> };
  beforeAll(async () => {
    env.server = await startServer();
  });
  afterAll(() => env.server.close());
  beforeEach(() => {
    env.server.control.clearLog();
    env.server.control.clearFaults();
    env.clock = systemClock();
  });
  afterEach(() => env.clock.restore());
  return env;
}
