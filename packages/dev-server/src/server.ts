import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { Provider, errors } from './oidc-provider.js';
import { MemoryStore } from './adapter.js';
import {
  API_SECRET,
  CLIENTS,
  DIRECTORY_AUDIENCE,
  DIRECTORY_RESOURCE,
  DEMO_ACCOUNTS,
  REPORTS_RESOURCE,
  RESOURCE_SCOPES,
  SERVICE_SECRET,
  WEBAPP_SECRET,
} from './constants.js';
import { DevServerControl, ROUTES, describeForm, endpointOf, type RequestLogEntry } from './control.js';
import { escape, handleInteraction, page, type InteractionMode } from './interactions.js';
import { generateClientKeyPair, generateProviderKeys, type SigningJwk } from './keys.js';

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  /** `form` (default) shows a login and consent page; `auto` approves every sign-in for tests. */
  readonly interactionMode?: InteractionMode;
  /** Redirect URIs of the SPA client. */
  readonly spaRedirectUris?: readonly string[];
  /** Redirect URIs of the confidential web-app client. */
  readonly webappRedirectUris?: readonly string[];
  /** Post-logout redirect URIs accepted from the SPA and web-app clients. */
  readonly postLogoutRedirectUris?: readonly string[];
  /** Origins allowed to call the server from a browser; default: any http origin on 127.0.0.1 or localhost. */
  readonly corsOrigins?: readonly string[];
  /** Initial access-token lifetime in seconds (default 600); change it later with `control.setTtl`. */
  readonly accessTokenTtl?: number;
}

/** A running development server. */
export interface DevServer {
  /** The issuer identifier, e.g. `http://127.0.0.1:4000`. */
  readonly issuer: string;
  readonly port: number;
  readonly control: DevServerControl;
  /** Private key of the `private_key_jwt` clients (the service and the web app), as a JWK. */
  readonly serviceJwtPrivateKey: SigningJwk;
  /** Stops the server and closes its connections. */
  close(): Promise<void>;
}

const DEFAULT_SPA_REDIRECTS = ['http://127.0.0.1:5173/callback', 'http://localhost:5173/callback', 'http://127.0.0.1:5175/callback', 'http://localhost:5175/callback'];
const DEFAULT_WEBAPP_REDIRECTS = ['http://127.0.0.1:5174/callback', 'http://localhost:5174/callback'];
const DEFAULT_POST_LOGOUT = ['http://127.0.0.1:5173/', 'http://localhost:5173/', 'http://127.0.0.1:5174/', 'http://localhost:5174/', 'http://127.0.0.1:5175/', 'http://localhost:5175/'];

function isLoopbackOrigin(origin: string): boolean {
  const url = URL.canParse(origin) ? new URL(origin) : undefined;
  return url?.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
}

const ERROR_HINTS: Readonly<Record<string, string>> = {
  invalid_client: 'The client_id is not one this server knows. Check the "clientId" option against the clients listed when the server starts.',
  invalid_redirect_uri: 'The redirect_uri is not registered for this client. Check the "redirectUri" option, or start the server with it in spaRedirectUris / webappRedirectUris.',
  invalid_request: 'The sign-in request is incomplete or malformed: start it again from the app.',
  session_not_found: 'The sign-in this page belonged to has ended (for example after Back or a server restart): start it again from the app.',
};

function errorPage(error: string, description: string): string {
  const hint = ERROR_HINTS[error] ?? (/session/i.test(description) ? ERROR_HINTS['session_not_found']! : 'Start the sign-in again from the app.');
  return page(
    'Sign-in problem',
    `<h1>Something went wrong</h1><p class="error"><code>${escape(error)}</code>${description ? `: ${escape(description)}` : ''}</p><p>${escape(hint)}</p>`,
  );
}

function configuration(options: DevServerOptions, control: DevServerControl, store: MemoryStore, servicePublicJwk: SigningJwk): Configuration {
  const spaRedirects = [...(options.spaRedirectUris ?? DEFAULT_SPA_REDIRECTS)];
  const postLogout = [...(options.postLogoutRedirectUris ?? DEFAULT_POST_LOGOUT)];
  const allowedOrigin = (origin: string): boolean =>
    options.corsOrigins ? options.corsOrigins.includes(origin) : isLoopbackOrigin(origin);

  return {
    adapter: (name: string) => store.adapterFor(name),
    jwks: { keys: generateProviderKeys() },
    routes: { ...ROUTES },
    cookies: { keys: ['audience-dev-server-cookie-key'] },
    clients: [
      {
        client_id: CLIENTS.spa,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: spaRedirects,
        post_logout_redirect_uris: postLogout,
      },
      {
        client_id: CLIENTS.webapp,
        client_secret: WEBAPP_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [...(options.webappRedirectUris ?? DEFAULT_WEBAPP_REDIRECTS)],
        post_logout_redirect_uris: postLogout,
      },
      {
        client_id: CLIENTS.webappJwt,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [servicePublicJwk] },
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [...(options.webappRedirectUris ?? DEFAULT_WEBAPP_REDIRECTS)],
        post_logout_redirect_uris: postLogout,
      },
      {
        client_id: CLIENTS.service,
        client_secret: SERVICE_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: CLIENTS.serviceJwt,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [servicePublicJwk] },
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
      {
        // The example API's own credentials, for introspection (RFC 7662).
        client_id: CLIENTS.api,
        client_secret: API_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    // A real confidential client may authenticate with either secret method; the SDK chooses.
    responseTypes: ['code'],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    async findAccount(_ctx, sub) {
      const account = DEMO_ACCOUNTS.find((a) => a.sub === sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, name: account.name, email: account.email, email_verified: true }),
      };
    },
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Errors shown to a person get the login page's look and a sentence on what to check.
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(String(out['error'] ?? 'server_error'), String(out['error_description'] ?? ''));
    },
    clientBasedCORS: (_ctx, origin) => allowedOrigin(origin),
    // First-party clients get a refresh token whenever they may use one: oidc-provider otherwise drops
    // `offline_access` from requests without prompt=consent.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    rotateRefreshToken: true,
    pkce: { required: () => true },
    ttl: {
      // Kept as functions: a resource server's accessTokenTTL is honoured only through them.
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? control.ttl.accessToken,
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? control.ttl.clientCredentials,
      RefreshToken: () => control.ttl.refreshToken,
      IdToken: () => control.ttl.idToken,
      AuthorizationCode: () => 60,
      Interaction: () => 3600,
      Session: () => 14 * 24 * 3600,
      Grant: () => 14 * 24 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true, allowedPolicy: async (_ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === client.clientId },
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      clientCredentials: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          // Sign out without a second question: the development server trusts its own clients.
          // logout=yes ends the login session at the server too (without it only the client's grant ends, and the next
          // sign-in would skip the password).
          ctx.body = `<!doctype html><html><body>${form}<script>
const form = document.forms[0]; const logout = document.createElement('input');
logout.type = 'hidden'; logout.name = 'logout'; logout.value = 'yes'; form.appendChild(logout); form.submit();
</script><noscript><button form="op.logoutForm" name="logout" value="yes">Sign out</button></noscript></body></html>`;
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => undefined,
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx, resourceIndicator) => {
          const scope = RESOURCE_SCOPES[resourceIndicator];
          if (scope === undefined) throw new errors.InvalidTarget();
          return {
            scope,
            audience: resourceIndicator === DIRECTORY_RESOURCE ? DIRECTORY_AUDIENCE : resourceIndicator,
            accessTokenTTL: control.ttl.accessToken,
            ...(resourceIndicator === REPORTS_RESOURCE
              ? { accessTokenFormat: 'opaque' as const }
              : { accessTokenFormat: 'jwt' as const, jwt: { sign: { alg: 'ES256' as const } } }),
          };
        },
      },
    },
  };
}

/**
 * Starts the development OpenID Provider on 127.0.0.1.
 *
 * @param options - port, interaction mode, client redirect URIs and token lifetimes.
 * @returns the running server, its issuer and its control API; call `close()` to stop it.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const control = new DevServerControl();
  if (options.accessTokenTtl !== undefined) control.setTtl({ accessToken: options.accessTokenTtl, clientCredentials: options.accessTokenTtl });
  const store = new MemoryStore();
  control.bindRevoker((accountId) => {
    const ids = store.grantIdsOf(accountId);
    for (const id of ids) store.revokeGrant(id);
    return ids.length;
  });
  const serviceKeys = generateClientKeyPair();
  const mode = options.interactionMode ?? 'form';
  const pending = new WeakMap<IncomingMessage, RequestLogEntry>();

  // Listen first: the issuer URL contains the port, and port 0 means the OS picks it.
  const server = createServer();
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, configuration(options, control, store, serviceKeys.publicJwk));
  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    await next();
    const entry = pending.get(ctx.req);
    if (!entry) return;
    const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] | undefined;
    if (oidc?.client) entry.clientId = oidc.client.clientId;
    describeForm(entry, (oidc?.body ?? {}) as Record<string, unknown>);
    const error = (ctx.body as { error?: unknown } | undefined)?.error;
    if (ctx.status >= 400 && typeof error === 'string') entry.error = error;
  });
  const callback = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const entry: RequestLogEntry = { at: Date.now(), endpoint: endpointOf(path), method: req.method ?? 'GET', path, status: 0 };
    pending.set(req, entry);
    res.on('close', () => {
      entry.status = res.headersSent ? res.statusCode : 0;
      control.record(entry);
    });
    void (async () => {
      if (await control.applyFault(entry.endpoint, entry, req, res)) return;
      if (entry.endpoint === 'interaction') await handleInteraction(provider, mode, req, res);
      else callback(req, res);
    })().catch((err: unknown) => {
      // An interaction whose sign-in is gone (SessionNotFound after Back or a restart) is the person's to redo.
      const gone = err instanceof Error && err.name === 'SessionNotFound';
      if (!res.headersSent) res.writeHead(gone ? 400 : 500, { 'content-type': 'text/html; charset=utf-8' });
      res.end(errorPage(gone ? 'session_not_found' : 'server_error', gone ? '' : err instanceof Error ? err.message : String(err)));
    });
  });

  return {
    issuer,
    port,
    control,
    serviceJwtPrivateKey: serviceKeys.privateJwk,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
