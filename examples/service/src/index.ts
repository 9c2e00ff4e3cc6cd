// Example service (machine to machine): calls the example API every few seconds with a client-credentials token.
import { createAuthorizedFetch, createServiceClient } from '@audience/node';

const API = 'https://api.example.com';

export interface ExampleService {
  /** One call of the API; resolves to what was logged. */
  tick(): Promise<string>;
  stop(): void;
}

/**
 * Starts the example service: every `intervalMs`, a call of the API with its token (cached, refreshed ahead). It logs
 * when it gets a new token (and how long that one lives), and otherwise one line every `logEveryMs`.
 */
export function startExampleService(options: { issuer: string; apiUrl: string; intervalMs?: number; logEveryMs?: number; log?: (line: string) => void }): ExampleService {
  const service = createServiceClient({
    issuer: options.issuer,
    clientId: 'audience-service',
    clientSecret: 'dev-service-secret',
    dangerouslyAllowInsecureHttp: true, // the development server is http://127.0.0.1
  });
  const log = options.log ?? ((line: string) => console.log(line));
  const items = createAuthorizedFetch(service, API, { scopes: ['read'], dangerouslyAllowInsecureHttp: true });
  const logEveryMs = options.logEveryMs ?? 60_000;
  let lastToken = '';
  let loggedAt = 0;
  async function tick(): Promise<string> {
    let line: string;
    let news = false;
    try {
      const response = await items(`${options.apiUrl}/api/items`);
      const body = (await response.json()) as { token?: { aud: string[]; exp: number; expiresIn: number } };
      const token = `${body.token?.aud.join(' ')} ${body.token?.exp}`;
      news = token !== lastToken;
      line = news
        ? `[service] ${lastToken ? 'refreshed the token ahead of its expiry' : 'got a token'} for ${body.token?.aud.join(', ')}: valid ${body.token?.expiresIn} s; GET /api/items → ${response.status}`
        : `[service] GET /api/items → ${response.status}; current token valid ${body.token?.expiresIn} s more`;
      lastToken = token;
    } catch (err) {
      line = `[service] ${err instanceof Error ? err.message : String(err)}`;
      news = true;
    }
    if (news || Date.now() - loggedAt >= logEveryMs) {
      log(line);
      loggedAt = Date.now();
    }
    return line;
  }
  const timer = setInterval(() => void tick(), options.intervalMs ?? 5_000);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
