import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** Which endpoint a request was for, named like the discovery metadata. */
export type Endpoint =
  | 'discovery'
  | 'jwks'
  | 'authorization'
  | 'par'
  | 'token'
  | 'userinfo'
  | 'introspection'
  | 'revocation'
  | 'end_session'
  | 'interaction'
  | 'other';

export const ROUTES = {
  authorization: '/auth',
  par: '/request',
  token: '/token',
  userinfo: '/me',
  introspection: '/token/introspection',
  revocation: '/token/revocation',
  jwks: '/jwks',
  end_session: '/session/end',
} as const;

export function endpointOf(pathname: string): Endpoint {
  if (pathname === '/.well-known/openid-configuration') return 'discovery';
  if (pathname.startsWith('/interaction/')) return 'interaction';
  for (const [name, path] of Object.entries(ROUTES)) {
    if (pathname === path || (name === 'end_session' && pathname.startsWith(`${path}/`))) return name as Endpoint;
  }
  return 'other';
}

/** One request the server saw, with the parameters tests need to count and compare. */
export interface RequestLogEntry {
  readonly at: number;
  readonly endpoint: Endpoint;
  readonly method: string;
  readonly path: string;
  /** HTTP status sent, or 0 when the connection was dropped by a fault. */
  status: number;
  clientId?: string;
  grantType?: string;
  resource?: string | string[];
  /** The refresh token that was presented (token endpoint, refresh_token grant). */
  refreshToken?: string;
  /** The OAuth `error` code of an error response. */
  error?: string;
  /** The fault that answered instead of the server, if any. */
  fault?: Fault['type'];
}

/** A way an endpoint can misbehave, for tests of failure handling. */
export type Fault =
  | { readonly type: 'status'; readonly status: number }
  | { readonly type: 'delay'; readonly ms: number }
  | { readonly type: 'malformed-json' }
  | { readonly type: 'html-error' }
  | { readonly type: 'drop' }
  /** Holds the request unanswered for `ms`, then drops it; the server never sees it (an unresponsive server). */
  | { readonly type: 'hang'; readonly ms: number };

/** Options of `injectFault`. */
export interface FaultOptions {
  /** How many requests the fault answers before it clears itself; default: until `clearFaults()`. */
  readonly times?: number;
}

/** Token lifetimes of the development server, in seconds. */
export interface TtlSettings {
  /** Seconds an access token (user or resource) lives. */
  accessToken: number;
  /** Seconds a client-credentials token lives. */
  clientCredentials: number;
  refreshToken: number;
  idToken: number;
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Copies the parameters tests compare from a token request's form body into its log entry. */
export function describeForm(entry: RequestLogEntry, form: URLSearchParams | Record<string, unknown>): void {
  const get = (name: string): unknown => (form instanceof URLSearchParams ? form.getAll(name) : form[name]);
  const one = (name: string): string | undefined => {
    const value = get(name);
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  };
  const grantType = one('grant_type');
  const refreshToken = one('refresh_token');
  if (grantType) entry.grantType = grantType;
  if (refreshToken) entry.refreshToken = refreshToken;
  const resource = get('resource');
  const resources = (Array.isArray(resource) ? resource : [resource]).filter((r): r is string => typeof r === 'string');
  if (resources.length > 0) entry.resource = resources.length === 1 ? resources[0]! : resources;
}

/** What tests steer and observe on a running development server. */
export class DevServerControl {
  readonly ttl: TtlSettings = { accessToken: 600, clientCredentials: 600, refreshToken: 14 * 24 * 3600, idToken: 3600 };
  readonly #log: RequestLogEntry[] = [];
  readonly #faults = new Map<Endpoint, { fault: Fault; remaining: number }>();
  #revokeGrants: (accountId: string) => number = () => 0;

  /** @internal wired by the server */
  bindRevoker(fn: (accountId: string) => number): void {
    this.#revokeGrants = fn;
  }

  /** Changes token lifetimes for tokens issued from now on. */
  setTtl(ttl: Partial<TtlSettings>): void {
    Object.assign(this.ttl, ttl);
  }

  /** Revokes every grant (and so every token) of an account; returns how many grants were revoked. */
  revokeGrants(accountId: string): number {
    return this.#revokeGrants(accountId);
  }

  /** The requests seen so far, optionally only those for one endpoint. */
  requests(endpoint?: Endpoint): readonly RequestLogEntry[] {
    return endpoint ? this.#log.filter((e) => e.endpoint === endpoint) : [...this.#log];
  }

  /** Forgets the requests seen so far. */
  clearLog(): void {
    this.#log.length = 0;
  }

  /** Makes an endpoint misbehave until cleared (or for `times` requests). */
  injectFault(endpoint: Endpoint, fault: Fault, options: FaultOptions = {}): void {
    this.#faults.set(endpoint, { fault, remaining: options.times ?? Infinity });
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.#faults.clear();
  }

  /** @internal Records one request (called by the server). */
  record(entry: RequestLogEntry): void {
    this.#log.push(entry);
  }

  /**
   * @internal Answers the request with the endpoint's fault when one is set. Returns true when the request was
   * consumed by the fault; a `delay` waits and then lets the server answer.
   */
  async applyFault(endpoint: Endpoint, entry: RequestLogEntry, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const armed = this.#faults.get(endpoint);
    if (!armed) return false;
    if (--armed.remaining <= 0) this.#faults.delete(endpoint);
    const { fault } = armed;
    entry.fault = fault.type;
    if (fault.type === 'delay') {
      await sleep(fault.ms);
      return false;
    }
    // The server never sees this request, so record its parameters here.
    if (req.method === 'POST') describeForm(entry, await readBody(req));
    switch (fault.type) {
      case 'status':
        res.writeHead(fault.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'server_error', error_description: 'injected fault' }));
        return true;
      case 'malformed-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"access_token": "abc", "token_type": ');
        return true;
      case 'html-error':
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return true;
      case 'drop':
        req.socket.destroy();
        return true;
      case 'hang':
        await sleep(fault.ms);
        req.socket.destroy();
        return true;
    }
  }
}
