import { generateKeyPairSync, randomUUID, type JsonWebKey } from 'node:crypto';

/** A signing key as a JWK, with its `kid`, `alg` and `use`. */
export type SigningJwk = JsonWebKey & { kid: string; alg: string; use: 'sig' };

function jwk(type: 'rsa' | 'ec', alg: string): { privateJwk: SigningJwk; publicJwk: SigningJwk } {
  const { privateKey, publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const meta = { kid: randomUUID(), alg, use: 'sig' as const };
  return {
    privateJwk: { ...privateKey.export({ format: 'jwk' }), ...meta },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), ...meta },
  };
}

/**
 * Fresh signing keys for one server run: RS256 for ID tokens (the OIDC default) and an EC P-256 key, without which
 * oidc-provider cannot sign ES256 JWT access tokens.
 */
export function generateProviderKeys(): SigningJwk[] {
  return [jwk('rsa', 'RS256').privateJwk, jwk('ec', 'ES256').privateJwk];
}

/** A key pair for the `private_key_jwt` service client (RFC 7523). */
export function generateClientKeyPair(): { privateJwk: SigningJwk; publicJwk: SigningJwk } {
  return jwk('ec', 'ES256');
}
