import * as oauth from 'oauth4webapi';
import { AudienceError } from './errors.js';

/** What {@link createAuthorizedFetch} needs of a client: the browser, core, web-app session and service clients fit. */
export interface AccessTokenSource {
  /** The access token for `resource` (or the userinfo token), narrowed to `scopes`. */
  getAccessToken(resource?: string, options?: { readonly scopes?: readonly string[] }): Promise<string>;
  /** Forgets a token the API rejected, so that the next `getAccessToken` gets a new one. */
  invalidate(token: string): Promise<void>;
}

/** Options of {@link createAuthorizedFetch}. */
export interface AuthorizedFetchOptions {
  /** Ask for a token with these scopes (a subset of the granted ones). */
  readonly scopes?: readonly string[];
  /** The fetch that sends the requests; default `globalThis.fetch`, looked up on every call. */
  readonly fetch?: typeof fetch;
  /** DEVELOPMENT ONLY: allow calls to `http://` APIs (a local example API). Bearer tokens travel unencrypted. */
  readonly dangerouslyAllowInsecureHttp?: boolean;
}

/**
 * A `fetch` that calls an API with `Authorization: Bearer <the token for resource>`. When the API answers 401 with a
 * Bearer `invalid_token` challenge (the token was revoked, or the API restarted), the token is invalidated and the
 * request is sent once more with a fresh one; every other answer, a 403 `insufficient_scope` included, is returned
 * as it came. The request is otherwise the caller's: method, body, credentials, redirect mode and signal.
 *
 * @param client - where tokens come from (`createBrowserClient`, `createOidcClient`, `createServiceClient`, …).
 * @param resource - the API's resource indicator; without it, the token for the userinfo endpoint.
 * @param options - scopes, the fetch to use, and the development-only http switch.
 * @returns a function with the signature of `fetch`.
 * @throws {AudienceError} from the returned function: what `getAccessToken` throws, and `ERR_INVALID_OPTION` for an
 *   `http://` URL without `dangerouslyAllowInsecureHttp`. Network failures reject as `fetch` does.
 * @see RFC 6750 §2.1 (the Authorization header), §3 and §3.1 (`invalid_token`)
 * @example
 * const api = createAuthorizedFetch(auth, 'https://api.example.com');
 * const items = await (await api('https://api.example.com/items')).json();
 */
export function createAuthorizedFetch(client: AccessTokenSource, resource?: string, options: AuthorizedFetchOptions = {}): typeof fetch {
  const insecure = options.dangerouslyAllowInsecureHttp === true;
  return async (input, init) => {
    const original = new Request(input, init);
    for (let attempt = 0; ; attempt++) {
      const token = await client.getAccessToken(resource, options.scopes ? { scopes: options.scopes } : {});
      const request = original.clone();
      try {
        // oauth4webapi sets the Authorization header and reads the answer's WWW-Authenticate challenges.
        return await oauth.protectedResourceRequest(token, request.method, new URL(request.url), request.headers, null, {
          [oauth.allowInsecureRequests]: insecure,
          [oauth.customFetch]: (_url, prepared) => (options.fetch ?? globalThis.fetch)(new Request(request, { headers: prepared.headers })),
        });
      } catch (err) {
        if (err instanceof oauth.WWWAuthenticateChallengeError) {
          const invalidToken = err.status === 401 && err.cause.some((c) => c.scheme === 'bearer' && c.parameters.error === 'invalid_token');
          if (!invalidToken || attempt > 0) return err.response;
          await client.invalidate(token);
          continue;
        }
        if (err instanceof oauth.OperationProcessingError && err.code === oauth.HTTP_REQUEST_FORBIDDEN) {
          throw new AudienceError('ERR_INVALID_OPTION', `${new URL(request.url).origin} is not https: a bearer token is sent only over https (dangerouslyAllowInsecureHttp for local development)`);
        }
        throw err;
      }
    }
  };
}
