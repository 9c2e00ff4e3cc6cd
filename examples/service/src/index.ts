// Example service (machine to machine): calls the example API every few seconds with a client-credentials token.
import { createServiceClient } from '@audience/node';

const API = 'https://api.example.com';

export interface ExampleService {
  /** One call of the API; resolves to what was logged. */
  tick(): Promise<string>;
  stop(): void;
}

/** Starts the example service: every `intervalMs`, a token for the API (cached, refreshed ahead) and a call. */
export function startExampleService(options: { issuer: string; apiUrl: string; intervalMs?: number; log?: (line: string) => void }): ExampleService {
  const service = createServiceClient({
    issuer: options.issuer,
    clientId: 'audience-service',
    clientSecret: 'dev-service-secret',
    dangerouslyAllowInsecureHttp: true, // the development server is http://127.0.0.1
  });
  const log = options.log ?? ((line: string) => console.log(line));
  async function tick(): Promise<string> {
    let line: string;
    try {
      const token = await service.getAccessToken(API, { scopes: ['read'] });
      const response = await fetch(`${options.apiUrl}/api/items`, { headers: { authorization: `Bearer ${token}` } });
      if (response.status === 401) await service.invalidate(token);
      const body = (await response.json()) as { token?: { aud: string[]; expiresIn: number } };
      line = `[service] GET /api/items → ${response.status}; token for ${body.token?.aud.join(', ')}, ${body.token?.expiresIn} s left`;
    } catch (err) {
      line = `[service] ${err instanceof Error ? err.message : String(err)}`;
    }
    log(line);
    return line;
  }
  const timer = setInterval(() => void tick(), options.intervalMs ?? 5_000);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
