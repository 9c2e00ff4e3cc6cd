// What each feature costs in the gzipped SPA entry: `node scripts/size-features.js` (not part of `npm test`). It copies
// the core and browser sources to a temporary folder, cuts one feature out of the copy with the edits below, and
// bundles the SPA entry by the size script's method; then it cuts out whole groups, one after the other. The patched
// builds are for measuring only: they have no checks, and they are never tested or shipped. A patch that no longer
// applies after a change of the sources stops the script with its name: update it there.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { bundle, kb, root, spa } from './size-method.js';

/** Each feature: what it is, and the edits that cut it out (a regular expression that must match exactly once). */
const hardening = {
  'whole-shape checks of stored values': [
    ['core/src/session.ts', /export function asSession\(value: unknown\): StoredSession \| undefined \{.*?\n\}/s, 'export function asSession(value: unknown): StoredSession | undefined {\n  return value as StoredSession | undefined;\n}'],
    ['core/src/sign-in.ts', /  if \(\n    typeof t\?\.codeVerifier.*?\n  \) \{/s, '  if (!t) {'],
    ['browser/src/web-lock.ts', /const isHeartbeat = \(value: unknown\): value is Heartbeat =>\n.*?;\n/s, 'const isHeartbeat = (value: unknown): value is Heartbeat => !!value;\n'],
  ],
  'option and argument checks (and the memo of checked getAccessToken arguments)': [
    ['core/src/options.ts', /export function resolveOptions\(options: OidcClientOptions\): ResolvedOptions \{.*?  return \{/s, "export function resolveOptions(options: OidcClientOptions): ResolvedOptions {\n  const issuerContext = issuerContextFrom(options);\n  const scopes = options.scopes ?? ['openid', 'offline_access', 'profile'];\n  const resources = options.resources ?? [];\n  const resourceParameter = options.resourceParameter ?? 'resource';\n  const redirectUri = options.redirectUri;\n  return {"],
    ['core/src/options.ts', /clientId: nonEmptyString\(options\.clientId, 'options\.clientId'\),/, 'clientId: options.clientId,'],
    ['core/src/options.ts', /positiveNumber\(options\.expiryLeewaySeconds, 'options\.expiryLeewaySeconds', 30, true\)/, '(options.expiryLeewaySeconds ?? 30)'],
    ['core/src/issuer-context.ts', /  if \(typeof options !== 'object' \|\| options === null\) throw invalid\('options', 'must be an object'\);\n  const insecure.*?const timeoutMs = positiveNumber\(options\.timeoutMs, 'options\.timeoutMs', 10_000\);/s, "  const insecure = options.dangerouslyAllowInsecureHttp === true;\n  const issuer = new URL(options.issuer);\n  const timeoutMs = options.timeoutMs ?? 10_000;"],
    ['core/src/issuer-context.ts', /  if \(typeof options !== 'object' \|\| options === null\) throw invalid\('options', 'must be an object'\);\n  if \(!isIssuerContext\(options\.issuer\)\) return createIssuerContext\(options as IssuerContextOptions\);.*?\n  \}\n/s, '  if (!isIssuerContext(options.issuer)) return createIssuerContext(options as IssuerContextOptions);\n'],
    ['core/src/sign-in.ts', /\(opts\.resources \?\? options\.resources\)\.map\(\(r, i\) => assertResource\(r, `options\.resources\[\$\{i\}\]`\)\)/, '(opts.resources ?? options.resources)'],
    ['core/src/sign-in.ts', /opts\.scopes === undefined \? options\.scopes : assertScopes\(opts\.scopes, 'options\.scopes'\)/, 'opts.scopes ?? options.scopes'],
    ['core/src/sign-in.ts', /  for \(const \[name\] of extra\) if \(RESERVED\.includes\(name\)\) throw invalid\(.*?\n/, ''],
    ['core/src/oidc-client.ts', /key = checkedCacheKey\(resource, tokenOptions\.scopes, true\);/, 'key = cacheKey(resource, tokenOptions.scopes);'],
    ['core/src/oidc-client.ts', /import \{ SESSION_KEY,/, 'import { cacheKey, SESSION_KEY,'],
    ['core/src/oidc-client.ts', /      if \(redirect !== undefined && !URL\.canParse\(redirect\)\) throw invalid\(.*?\n/, ''],
  ],
  'redaction of error causes': [
    ['core/src/errors.ts', /export function redactCause\(value: unknown, depth = 0\): Error \| undefined \{.*?\n\}/s, 'export function redactCause(value: unknown): Error | undefined {\n  return value as Error;\n}'],
  ],
  'heartbeat Web Lock (a plain Web Lock instead)': [
    ['browser/src/web-lock.ts', /export function createWebLock\(timeoutMs: number, heartbeats\?: HeartbeatStore\): LockFn \{.*\n\}\n$/s, "export function createWebLock(timeoutMs: number, heartbeats?: HeartbeatStore): LockFn {\n  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;\n  if (!locks) return createInProcessLock();\n  return (name, fn) => locks.request(name, () => fn(async () => true));\n}\n"],
  ],
  'keeping a rotated refresh token from a response that failed validation': [
    ['core/src/token-manager.ts', /    const copy = response\.clone\(\);\n/, ''],
    ['core/src/token-manager.ts', /      else \{\n        \/\/ A 200 answer.*?\n      \}\n/s, ''],
  ],
  "checking an access token's audience": [
    ['core/src/token-placement.ts', /  if \(resource !== undefined\) \{.*?\n  return \{ key: cacheKey\(undefined, scopes\), token: base \};/s, '  return { key: cacheKey(resource, scopes), token: { ...base, resource } };'],
  ],
};
const optional = {
  "Auth0's `audience` and `none` (RFC 8707 `resource` only)": [
    ['core/src/sign-in.ts', /for \(const resource of resourceParameter === 'resource' \? resources : resourceParameter === 'audience' \? resources\.slice\(0, 1\) : \[\]\) \{\n    params\.append\(resourceParameter, resource\);/, "for (const resource of resources) {\n    params.append('resource', resource);"],
    ['core/src/token-manager.ts', /if \(resource !== undefined && resourceParameter !== 'none'\) additionalParameters\[resourceParameter\] = resource;/, "if (resource !== undefined) additionalParameters['resource'] = resource;"],
  ],
  'memory-only access tokens': [['browser/src/browser-client.ts', /options\.accessTokenStorage === 'memory' \? keepTokensInMemory\(idb\) : idb/, 'idb']],
  'cross-tab announcements': [['browser/src/browser-client.ts', /  const shared = announceChanges\(\n.*?\n  \);/s, '  const shared = { store: idb, close: () => undefined };']],
  'revocation at sign-out': [['core/src/oidc-client.ts', /      if \(session\?\.refreshToken && as\?\.revocation_endpoint\) \{.*?\n      \}\n      if \(!as/s, '      if (!as']],
  forceRefresh: [['core/src/token-manager.ts', /const replace = force \? \(remembered \?\? \(await readSession\(\)\)\?\.tokens\[key\]\)\?\.accessToken : undefined;/, 'const replace = undefined;']],
  'invalidate, and the userinfo retry after a 401': [
    ['core/src/token-manager.ts', /    async invalidate\(token\) \{.*?\n    \},\n\n    clear/s, '    async invalidate() {},\n\n    clear'],
    ['core/src/oidc-client.ts', /        try \{\n          return await oauth\.processUserInfoResponse.*?\n        \}\n      \}/s, '        return await oauth.processUserInfoResponse(as, oauthClient(), session.sub, await oauth.userInfoRequest(as, oauthClient(), token, http()));\n      }'],
  ],
};
/**
 * Empties every string over 25 characters in a source (module specifiers aside), in quotes or in the literal parts of a
 * template: what the messages of our errors cost.
 */
function withoutLongStrings(source) {
  const file = ts.createSourceFile('source.ts', source, ts.ScriptTarget.Latest, true);
  const edits = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && node.text.length > 25) edits.push([node.getStart(), node.end, "''"]);
    if ((ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) && node.text.length > 25) {
      const text = node.getText();
      edits.push([node.getStart(), node.end, `${text[0]}${ts.isTemplateTail(node) ? '`' : '${'}`]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  for (const [start, end, replacement] of edits.sort((a, b) => b[0] - a[0])) source = source.slice(0, start) + replacement + source.slice(end);
  return source;
}
const messages = { 'every message over 25 characters': withoutLongStrings };

const par = {
  'PAR (RFC 9126), also when the server requires it': [['core/src/sign-in.ts', /  if \(options\.usePar \|\| as\.require_pushed_authorization_requests\) \{.*?\n  \}\n  const url/s, '  const url']],
};

/** Copies the sources, applies the edits of `features`, bundles the SPA entry; returns its gzipped size. */
async function measure(features) {
  const dir = await mkdtemp(join(tmpdir(), 'audience-size-'));
  try {
    for (const pkg of ['core', 'browser']) await cp(join(root, 'packages', pkg, 'src'), join(dir, pkg, 'src'), { recursive: true });
    for (const [name, edits] of Object.entries(features)) {
      if (typeof edits === 'function') {
        for (const pkg of ['core', 'browser']) {
          for (const file of await readdir(join(dir, pkg, 'src'))) {
            const path = join(dir, pkg, 'src', file);
            await writeFile(path, edits(await readFile(path, 'utf8')));
          }
        }
        continue;
      }
      for (const [file, find, replacement] of edits) {
        const path = join(dir, file);
        const source = await readFile(path, 'utf8');
        const matches = source.match(new RegExp(find.source, `${find.flags}g`))?.length ?? 0;
        if (matches !== 1) throw new Error(`The patch "${name}" no longer applies to ${file} (${matches} matches): update scripts/size-features.js`);
        await writeFile(path, source.replace(find, replacement));
      }
    }
    const result = await bundle(spa, {
      alias: { '@audience/core': join(dir, 'core/src/index.ts'), '@audience/browser': join(dir, 'browser/src/index.ts') },
      nodePaths: [join(root, 'node_modules')],
    });
    return gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const base = await measure({});
console.log(`SPA entry from the sources: ${kb(base)} gz (esbuild --bundle --minify --format=esm --platform=browser, gzip -9)\n`);
for (const [group, features] of [
  ['hardening', hardening],
  ['optional features', optional],
  ['messages', messages],
  ['PAR', par],
]) {
  console.log(`${group}, each cut out alone:`);
  for (const [name, edits] of Object.entries(features)) {
    const size = await measure({ [name]: edits });
    console.log(`  ${name.padEnd(80)} ${String(base - size).padStart(5)} B gz`);
  }
}
const withoutHardening = await measure(hardening);
const withoutOptional = await measure({ ...hardening, ...optional });
const withoutMessages = await measure({ ...hardening, ...optional, ...messages });
const withoutPar = await measure({ ...hardening, ...optional, ...messages, ...par });
console.log(`
SPA entry without the hardening                                 ${kb(withoutHardening)} gz
  and without the optional features                             ${kb(withoutOptional)} gz
  and without every message over 25 characters                  ${kb(withoutMessages)} gz
  and without PAR                                               ${kb(withoutPar)} gz (what is left: sign-in, callback, token manager, lock, store)
${withoutPar > 13.5 * 1024 ? `That is still ${kb(withoutPar - 13.5 * 1024)} above` : 'That is within'} the 13.50 KB ceiling of the size issue.`);
