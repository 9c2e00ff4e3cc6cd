import * as oauth from 'oauth4webapi';
import { AudienceError } from '@audience/core';

/** How a confidential client authenticates at the token endpoint. */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** Credentials of a confidential client: a secret, or a private key for `private_key_jwt` (RFC 7523). */
export interface ClientCredentials {
  readonly clientSecret?: string;
  /** A private signing key: a `CryptoKey`, or a private JWK (its `kid` and `alg` are used). */
  readonly privateKey?: CryptoKey | (JsonWebKey & { kid?: string; alg?: string });
  /** Default: `private_key_jwt` with a key, `client_secret_basic` with a secret. */
  readonly tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
}

const ALGORITHMS: Record<string, RsaHashedImportParams | EcKeyImportParams> = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
};

/**
 * Turns the configured credentials into oauth4webapi client authentication.
 *
 * @param credentials - secret or private key, and the method.
 * @returns a function resolving the ClientAuth (the JWK is imported once).
 * @throws {AudienceError} `ERR_INVALID_OPTION` when the credentials do not fit the method.
 * @see RFC 6749 §2.3.1, RFC 7523 §2.2
 */
export function clientAuthentication(credentials: ClientCredentials): () => Promise<oauth.ClientAuth> {
  if (typeof credentials !== 'object' || credentials === null) throw new AudienceError('ERR_INVALID_OPTION', '"options" must be an object');
  const { clientSecret, privateKey } = credentials;
  const method = credentials.tokenEndpointAuthMethod ?? (privateKey ? 'private_key_jwt' : 'client_secret_basic');
  if (method === 'private_key_jwt') {
    if (!privateKey || typeof privateKey !== 'object') {
      throw new AudienceError('ERR_INVALID_OPTION', '"options.privateKey" is required for private_key_jwt');
    }
    let auth: Promise<oauth.ClientAuth> | undefined;
    return () =>
      (auth ??= (async () => {
        if (privateKey instanceof CryptoKey) return oauth.PrivateKeyJwt(privateKey);
        const jwk = privateKey as JsonWebKey & { kid?: string; alg?: string };
        const algorithm = ALGORITHMS[jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : 'RS256')];
        if (!algorithm || !jwk.d) {
          throw new AudienceError('ERR_INVALID_OPTION', '"options.privateKey" must be a private EC or RSA JWK with a supported "alg" (ES256, ES384, RS256, PS256)');
        }
        let key: CryptoKey;
        try {
          key = await crypto.subtle.importKey('jwk', jwk, algorithm, false, ['sign']);
        } catch {
          // WebCrypto's message may quote key material: say only what was wrong.
          throw new AudienceError('ERR_INVALID_OPTION', `"options.privateKey" is not a usable private ${jwk.kty ?? ''} JWK for ${jwk.alg ?? 'its algorithm'}`.replace('  ', ' '));
        }
        return oauth.PrivateKeyJwt({ key, ...(jwk.kid ? { kid: jwk.kid } : {}) });
      })());
  }
  if (typeof clientSecret !== 'string' || clientSecret.length === 0) {
    throw new AudienceError('ERR_INVALID_OPTION', `"options.clientSecret" is required for ${method}`);
  }
  const auth = method === 'client_secret_post' ? oauth.ClientSecretPost(clientSecret) : oauth.ClientSecretBasic(clientSecret);
  return async () => auth;
}

/**
 * The credentials as one oauth4webapi `ClientAuth` that imports the key on first use, for `createOidcClient`'s
 * `clientAuthentication` option.
 *
 * @param credentials - secret or private key, and the method.
 * @returns the client authentication.
 * @throws {AudienceError} `ERR_INVALID_OPTION` when the credentials do not fit the method.
 * @see RFC 6749 §2.3.1, RFC 7523 §2.2
 */
export function clientAuth(credentials: ClientCredentials): oauth.ClientAuth {
  const resolve = clientAuthentication(credentials);
  return async (as, client, body, headers) => (await resolve())(as, client, body, headers);
}
