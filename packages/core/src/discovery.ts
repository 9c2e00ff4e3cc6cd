import * as oauth from 'oauth4webapi';
import type { RequestOptions } from './request-options.js';
import { AudienceError } from './errors.js';
import { toAudienceError } from './to-audience-error.js';

const DISCOVERY_TTL_MS = 60 * 60 * 1000;

/**
 * A cached OpenID Provider / OAuth server metadata lookup (RFC 8414). Successes are kept for an hour; a failure is
 * never kept, so the next call tries again. The same metadata object is returned while cached, which keeps
 * oauth4webapi's JWKS cache (keyed by it) warm.
 *
 * @param issuer - the issuer identifier.
 * @param http - per-request options.
 * @param now - the clock, epoch ms.
 * @returns a function that resolves the metadata.
 * @throws {AudienceError} `ERR_NETWORK`, `ERR_SERVER_RESPONSE` from the returned function.
 * @see RFC 8414 §3, OpenID Connect Discovery 1.0 §4
 */
export function createDiscovery(issuer: URL, http: () => RequestOptions, now: () => number): () => Promise<oauth.AuthorizationServer> {
  let cached: { promise: Promise<oauth.AuthorizationServer>; fetchedAt: number } | undefined;
  return () => {
    const time = now();
    if (!cached || time - cached.fetchedAt >= DISCOVERY_TTL_MS) {
      const promise = (async () => {
        try {
          return await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http()));
        } catch (err) {
          throw discoveryError(err, issuer);
        }
      })();
      const entry = { promise, fetchedAt: time };
      cached = entry;
      promise.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.promise;
  };
}

/** A discovery failure that says what to check: the HTTP status, or both issuer values when they differ. */
function discoveryError(err: unknown, issuer: URL): AudienceError {
  const step = `discovery of ${issuer.href}`;
  const cause = (err as { cause?: { expected?: unknown; body?: { issuer?: unknown } } | Response } | undefined)?.cause;
  if (err instanceof oauth.OperationProcessingError) {
    if (cause instanceof Response ? cause.status < 500 : err.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      const why = cause instanceof Response ? `the server answered HTTP ${cause.status}` : `expected issuer ${String(cause?.expected)}, got ${String(cause?.body?.issuer)}; they must match exactly`;
      return new AudienceError('ERR_SERVER_RESPONSE', `${step} failed: ${why}; check "options.issuer"`, { cause: err });
    }
  }
  return toAudienceError(err, step);
}
