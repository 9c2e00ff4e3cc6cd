/**
 * Reads the payload of a compact JWS without verifying it, or returns undefined when the value is not one.
 *
 * A client must not trust an access token's contents; Audience reads only `aud` and `exp`, to file a token under
 * the audience it was really issued for and to never keep it past its own expiry. APIs verify tokens properly.
 *
 * @param token - an access token, opaque or JWT.
 * @returns the payload object, or undefined for anything that is not a JWS with a JSON object payload.
 */
export function readJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const payload: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The `aud` of a JWT payload as a list (RFC 7519 §4.1.3 allows a string or an array). */
export function audiencesOf(payload: Record<string, unknown>): string[] {
  const aud = payload['aud'];
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}
