import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore, createOidcClient, isAudienceError, AudienceError, type OidcClientOptions } from '@audience/core';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const base: OidcClientOptions = {
  issuer: 'https://id.example.com',
  clientId: 'spa',
  redirectUri: 'https://app.example.com/callback',
  store: createMemoryStore(),
};

function optionError(options: Partial<OidcClientOptions>): unknown {
  try {
    createOidcClient({ ...base, ...options } as OidcClientOptions);
  } catch (err) {
    return err;
  }
  throw new Error('expected createOidcClient to throw');
}

describe('options are checked at the boundary, naming the option', () => {
  it.each<[string, Partial<OidcClientOptions>, string]>([
    ['an http issuer', { issuer: 'http://id.example.com' }, '"options.issuer" must be an https URL'],
    ['a relative issuer', { issuer: '/id' }, '"options.issuer" must be an absolute URL'],
    ['no client id', { clientId: '' }, '"options.clientId" must be a non-empty string'],
    ['no store', { store: undefined as never }, '"options.store" must have get, set and delete functions'],
    ['scopes without openid', { scopes: ['profile'] }, '"options.scopes" must include "openid"'],
    ['a scope with a space', { scopes: ['openid profile'] }, '"options.scopes" must be an array of scope strings'],
    ['a resource with a fragment', { resources: ['https://api.example.com/#x'] }, '"options.resources[0]" must be an absolute URI without a fragment'],
    ['a negative leeway', { expiryLeewaySeconds: -1 }, '"options.expiryLeewaySeconds" must be a number ≥ 0'],
    ['a zero timeout', { timeoutMs: 0 }, '"options.timeoutMs" must be a positive number'],
  ])('%s', (_name, options, message) => {
    const err = optionError(options);
    expect(isAudienceError(err, 'ERR_INVALID_OPTION')).toBe(true);
    expect((err as Error).message).toContain(message);
  });

  it('allows an http issuer only with dangerouslyAllowInsecureHttp, and says so loudly', () => {
    const warn = vi.mocked(console.warn);
    warn.mockClear();
    expect(() => createOidcClient({ ...base, issuer: 'http://127.0.0.1:4000', dangerouslyAllowInsecureHttp: true })).not.toThrow();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('dangerouslyAllowInsecureHttp'));
  });

  it('checks getAccessToken and buildSignInUrl arguments before any request', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>();
    const client = createOidcClient({ ...base, fetch });
    await expect(client.getAccessToken('not a url')).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('"resource"') });
    await expect(client.buildSignInUrl({ extraParams: { state: 'x' } })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('"options.extraParams.state"') });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('a bad scope is refused on every call, also after the same resource passed with and without scopes', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>();
    const api = 'https://api.example.com';
    const client = createOidcClient({ ...base, fetch, resources: [api] });
    for (const scopes of [['read'], ['read'], undefined, undefined]) {
      await expect(client.getAccessToken(api, scopes && { scopes })).rejects.toMatchObject({ code: 'ERR_LOGIN_REQUIRED' });
    }
    for (const scopes of [[''], ['read write'], 'read', [1], ['read', ''], [undefined]]) {
      await expect(client.getAccessToken(api, { scopes } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('"options.scopes"') });
    }
    await expect(client.getAccessToken(`${api}#x`, { scopes: ['read'] })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('"resource"') });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('isAudienceError works across copies of the class (registered symbol, not instanceof)', () => {
    const err = new AudienceError('ERR_NETWORK', 'x', { cause: new TypeError('fetch failed') });
    const copy = Object.assign(Object.create(null), { code: 'ERR_NETWORK' });
    Object.defineProperty(copy, Symbol.for('audience.error'), { value: true });
    expect(isAudienceError(err, 'ERR_NETWORK')).toBe(true);
    expect(isAudienceError(copy)).toBe(true);
    expect(isAudienceError(new Error('x'))).toBe(false);
    expect(err.cause).toBeInstanceOf(TypeError);
  });
});
