import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  API_RESOURCE,
  BILLING_RESOURCE,
  CLIENTS,
  SERVICE_SECRET,
  startDevServer,
  walkSignIn,
  type DevServer,
} from '@audience/dev-server';

const REDIRECT = 'http://127.0.0.1:9/callback';
const insecure = { [oauth.allowInsecureRequests]: true } as const;
const spa: oauth.Client = { client_id: CLIENTS.spa };

let server: DevServer;
let as: oauth.AuthorizationServer;

function decodeJwt(token: string): Record<string, unknown> {
  const [, payload = ''] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Auth code + PKCE through the dev server's automatic interaction; returns the token response. */
async function signIn(resources: string[] = [API_RESOURCE, BILLING_RESOURCE], codeResource?: string) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set('client_id', spa.client_id);
  url.searchParams.set('redirect_uri', REDIRECT);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid offline_access profile read write invoices:read');
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  for (const r of resources) url.searchParams.append('resource', r);
  const callback = await walkSignIn(url);
  const params = oauth.validateAuthResponse(as, spa, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, spa, oauth.None(), params, REDIRECT, verifier, {
    ...insecure,
    ...(codeResource ? { additionalParameters: { resource: codeResource } } : {}),
  });
  return oauth.processAuthorizationCodeResponse(as, spa, response, { expectedNonce: nonce, requireIdToken: true });
}

async function refresh(refreshToken: string, resource?: string) {
  const response = await oauth.refreshTokenGrantRequest(as, spa, oauth.None(), refreshToken, {
    ...insecure,
    ...(resource ? { additionalParameters: { resource } } : {}),
  });
  return oauth.processRefreshTokenResponse(as, spa, response);
}

beforeAll(async () => {
  server = await startDevServer({ interactionMode: 'auto', spaRedirectUris: [REDIRECT] });
  const issuer = new URL(server.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
});
afterAll(() => server.close());
beforeEach(() => {
  server.control.clearFaults();
  server.control.clearLog();
});

describe('dev server', () => {
  it('publishes discovery with the endpoints the SDK uses', () => {
    expect(as.issuer).toBe(server.issuer);
    for (const key of [
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'introspection_endpoint',
      'revocation_endpoint',
      'end_session_endpoint',
      'pushed_authorization_request_endpoint',
      'jwks_uri',
    ] as const) {
      expect(as[key], key).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    }
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('issues a JWT whose aud is the resource for auth code + PKCE with resource', async () => {
    const tokens = await signIn([API_RESOURCE], API_RESOURCE);
    expect(tokens.access_token.split('.')).toHaveLength(3);
    const claims = decodeJwt(tokens.access_token);
    expect(claims['aud']).toBe(API_RESOURCE);
    expect(claims['iss']).toBe(server.issuer);
    expect(claims['scope']).toBe('read write');
    expect(tokens.refresh_token).toBeTypeOf('string');
    // The API can verify it offline against the JWKS.
    const request = new Request('https://api.example.com/', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const verified = await oauth.validateJwtAccessToken(as, request, API_RESOURCE, insecure);
    expect(verified.sub).toBe('alice');
  });

  it('refreshes without resource into an opaque token that works at userinfo', async () => {
    const first = await signIn();
    const tokens = await refresh(first.refresh_token!);
    expect(tokens.access_token.split('.')).toHaveLength(1);
    const info = await oauth.processUserInfoResponse(
      as,
      spa,
      'alice',
      await oauth.userInfoRequest(as, spa, tokens.access_token, insecure),
    );
    expect(info).toMatchObject({ sub: 'alice', name: 'Alice Example' });
  });

  it('refreshes with the other resource into a JWT for it', async () => {
    const first = await signIn();
    const tokens = await refresh(first.refresh_token!, BILLING_RESOURCE);
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: BILLING_RESOURCE, scope: 'invoices:read' });
    expect(tokens.refresh_token).not.toBe(first.refresh_token);
  });

  it('answers invalid_target for an unknown resource', async () => {
    const first = await signIn();
    await expect(refresh(first.refresh_token!, 'https://unknown.example.com')).rejects.toMatchObject({
      error: 'invalid_target',
    });
  });

  it('issues client-credentials tokens per resource with client_secret_basic and private_key_jwt', async () => {
    const basic = await oauth.processClientCredentialsResponse(
      as,
      { client_id: CLIENTS.service },
      await oauth.clientCredentialsGrantRequest(as, { client_id: CLIENTS.service }, oauth.ClientSecretBasic(SERVICE_SECRET), { resource: API_RESOURCE }, insecure),
    );
    expect(decodeJwt(basic.access_token)).toMatchObject({ aud: API_RESOURCE, client_id: CLIENTS.service });

    const jwk = server.serviceJwtPrivateKey;
    const key = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const client = { client_id: CLIENTS.serviceJwt };
    const signed = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt({ key, kid: jwk.kid }), { resource: BILLING_RESOURCE }, insecure),
    );
    expect(decodeJwt(signed.access_token)).toMatchObject({ aud: BILLING_RESOURCE, client_id: CLIENTS.serviceJwt });
  });

  it('revokes the whole grant when a rotated refresh token is replayed', async () => {
    const first = await signIn();
    const second = await refresh(first.refresh_token!);
    await expect(refresh(first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Reuse detection: the newer refresh token is gone too.
    await expect(refresh(second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const refreshes = server.control.requests('token').filter((r) => r.grantType === 'refresh_token');
    expect(refreshes.map((r) => [r.refreshToken === first.refresh_token, r.status, r.error ?? null])).toEqual([
      [true, 200, null],
      [true, 400, 'invalid_grant'],
      [false, 400, 'invalid_grant'],
    ]);
  });

  it('revokes a user\'s grants on request and honours TTL changes', async () => {
    server.control.setTtl({ accessToken: 5 });
    try {
      const first = await signIn();
      expect(first.expires_in).toBe(5);
      expect(server.control.revokeGrants('alice')).toBeGreaterThan(0);
      await expect(refresh(first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    } finally {
      server.control.setTtl({ accessToken: 600 });
    }
  });

  describe('fault injection', () => {
    const tokenCall = async () => {
      const client = { client_id: CLIENTS.service };
      const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(SERVICE_SECRET), { resource: API_RESOURCE }, insecure);
      return oauth.processClientCredentialsResponse(as, client, response);
    };

    it('answers HTTP 500', async () => {
      server.control.injectFault('token', { type: 'status', status: 500 }, { times: 1 });
      await expect(tokenCall()).rejects.toMatchObject({ code: oauth.RESPONSE_IS_NOT_CONFORM, cause: { status: 500 } });
      await expect(tokenCall()).resolves.toHaveProperty('access_token');
      expect(server.control.requests('token').map((r) => [r.status, r.fault ?? null])).toEqual([[500, 'status'], [200, null]]);
    });

    it('answers a malformed JSON body', async () => {
      server.control.injectFault('token', { type: 'malformed-json' });
      await expect(tokenCall()).rejects.toMatchObject({ code: oauth.PARSE_ERROR });
    });

    it('answers an HTML error page', async () => {
      server.control.injectFault('token', { type: 'html-error' });
      await expect(tokenCall()).rejects.toMatchObject({ code: oauth.RESPONSE_IS_NOT_CONFORM, cause: { status: 502 } });
      expect(server.control.requests('token')[0]).toMatchObject({ status: 502, fault: 'html-error' });
    });

    it('drops the connection', async () => {
      server.control.injectFault('token', { type: 'drop' });
      await expect(tokenCall()).rejects.toThrow(TypeError);
      expect(server.control.requests('token')[0]).toMatchObject({ status: 0, fault: 'drop' });
    });

    it('delays the answer', async () => {
      server.control.injectFault('token', { type: 'delay', ms: 300 });
      const started = performance.now();
      await expect(tokenCall()).resolves.toHaveProperty('access_token');
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    });
  });
});
