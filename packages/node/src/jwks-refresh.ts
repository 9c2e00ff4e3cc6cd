import * as oauth from 'oauth4webapi';

/** A refetch for an unknown `kid` is allowed this many times in a burst… */
const BURST = 3;
/** …and then about once per this many milliseconds. */
const REFILL_MS = 10_000;
/** How many `kid`s still unknown after a refetch are remembered (and refused without another refetch). */
const MAX_UNKNOWN_KIDS = 1000;

/** A `kid` still unknown after a refetch is refused without asking again for as long as oauth4webapi keeps a JWKS. */
const REMEMBER_UNKNOWN_MS = 300_000;

/**
 * Key rotation for an API that verifies JWTs offline (RFC 9068) against the issuer's JWKS through oauth4webapi.
 *
 * - A token signed with a `kid` that is not in the cached set makes the set be refetched at once (oauth4webapi alone
 *   would wait until the set is a minute old), single-flight, and the token is verified against the new set.
 * - A flood of made-up `kid`s does not become a flood of requests: a `kid` still unknown after a refetch is
 *   remembered for 5 minutes, and refetches are bounded by a token bucket (a burst of 3, then one per 10 s).
 * (Concurrent downloads of the JWKS share one request: see `shareConcurrentGets`.)
 */
export interface JwksRefresh {
  /**
   * Runs a verification with the server metadata whose JWKS cache is current; on an unknown `kid`, refetches the
   * JWKS once (if allowed) and runs it again.
   */
  verify<T>(as: oauth.AuthorizationServer, run: (as: oauth.AuthorizationServer) => Promise<T>): Promise<T>;
}

/** The `kid` of a token for which the cached JWKS has no key (oauth4webapi reports the JWS header it looked at). */
function unknownKid(err: unknown): string | undefined {
  if (!(err instanceof oauth.OperationProcessingError) || err.code !== oauth.KEY_SELECTION || !err.message.includes('no applicable keys')) return undefined;
  const kid = (err.cause as { header?: { kid?: unknown } } | undefined)?.header?.kid;
  return typeof kid === 'string' ? kid : undefined;
}

/**
 * @param now - the clock, epoch ms.
 * @returns the key-rotation state of one resource server.
 * @see RFC 7517 §5 (JWK Set), RFC 7515 §4.1.4 (`kid`), RFC 9068 §4
 */
export function createJwksRefresh(now: () => number): JwksRefresh {
  const unknownKids = new Map<string, number>();
  let tokens = BURST;
  let refilledAt = now();
  // oauth4webapi caches the JWKS per metadata object: a fresh copy of the metadata is a fresh (empty) JWKS cache.
  let view: { source: oauth.AuthorizationServer; copy: oauth.AuthorizationServer; generation: number } | undefined;

  const takeToken = (): boolean => {
    const time = now();
    tokens = Math.min(BURST, tokens + (time - refilledAt) / REFILL_MS);
    refilledAt = time;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  const current = (as: oauth.AuthorizationServer) => {
    if (view?.source !== as) view = { source: as, copy: { ...as }, generation: (view?.generation ?? 0) + 1 };
    return view;
  };

  return {
    async verify(as, run) {
      const started = current(as);
      try {
        return await run(started.copy);
      } catch (err) {
        const kid = unknownKid(err);
        if (kid === undefined || now() - (unknownKids.get(kid) ?? -Infinity) < REMEMBER_UNKNOWN_MS) throw err;
        const latest = current(as);
        if (latest.generation === started.generation) {
          if (!takeToken()) throw err;
          view = { source: as, copy: { ...as }, generation: latest.generation + 1 };
        }
        try {
          return await run(view!.copy);
        } catch (retryErr) {
          if (unknownKid(retryErr) === kid) {
            if (unknownKids.size >= MAX_UNKNOWN_KIDS) unknownKids.delete(unknownKids.keys().next().value!);
            unknownKids.set(kid, now());
          }
          throw retryErr;
        }
      }
    },
  };
}
