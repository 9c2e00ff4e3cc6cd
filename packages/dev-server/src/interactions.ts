import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { DEMO_ACCOUNTS } from './constants.js';

/** How sign-in interactions are answered: a real form for people, or automatic approval for tests. */
export type InteractionMode = 'form' | 'auto';

export const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page with the look of the login page. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)} · Audience dev server</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;background:#f3f4f8;color:#1d2030;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;border-radius:12px;box-shadow:0 4px 24px #0002;padding:2rem 2.5rem;width:min(22rem,90vw)}
h1{font-size:1.3rem;margin:0 0 1rem}label{display:block;margin:.6rem 0 .2rem;font-size:.9rem}
input{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #c8cbd6;border-radius:6px;font:inherit}
button{margin-top:1.2rem;width:100%;padding:.6rem;border:0;border-radius:6px;background:#3b5bdb;color:#fff;font:inherit;cursor:pointer}
button.secondary{background:#e4e6ee;color:#1d2030;margin-top:.5rem}.hint{font-size:.8rem;color:#666}.error{color:#c92a2a}
ul{padding-left:1.2rem}code{background:#f1f3f5;padding:0 .25rem;border-radius:4px}
</style></head><body><main>${body}</main></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function consentResult(provider: Provider, details: Awaited<ReturnType<Provider['interactionDetails']>>): Promise<InteractionResults> {
  const { prompt, params, session, grantId } = details;
  const accountId = session?.accountId;
  if (!accountId) throw new Error('consent without a signed-in account');
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId, clientId: String(params['client_id']) });
  if (!grant) throw new Error('grant not found');
  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return { consent: { grantId: await grant.save() } };
}

function loginPage(uid: string, clientId: string, error?: string): string {
  const accounts = DEMO_ACCOUNTS.map((a) => `<code>${a.sub}</code> / <code>${a.password}</code>`).join(', ');
  return page('Sign in', `<h1>Sign in to <code>${escape(clientId)}</code></h1>
${error ? `<p class="error">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" autofocus required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${uid}/abort"><button class="secondary" type="submit">Cancel</button></form>
<p class="hint">Demo accounts: ${accounts}</p>`);
}

function consentPage(uid: string, clientId: string, details: Record<string, unknown>): string {
  const scopes = (details['missingOIDCScope'] as string[] | undefined) ?? [];
  const resources = Object.entries((details['missingResourceScopes'] as Record<string, string[]> | undefined) ?? {});
  const items = [
    ...scopes.map((s) => `<li><code>${escape(s)}</code></li>`),
    ...resources.map(([r, s]) => `<li>${escape(r)}: <code>${escape(s.join(' '))}</code></li>`),
  ].join('');
  return page('Allow access', `<h1><code>${escape(clientId)}</code> asks for</h1><ul>${items || '<li>no new permissions</li>'}</ul>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit" autofocus>Allow</button></form>
<form method="post" action="/interaction/${uid}/abort"><button class="secondary" type="submit">Deny</button></form>`);
}

/**
 * Handles `/interaction/:uid[/action]`. In `auto` mode a login prompt signs in the account named by `login_hint`
 * (default: the first demo account) and a consent prompt grants everything asked for, so tests can walk the
 * redirects without a page.
 */
export async function handleInteraction(provider: Provider, mode: InteractionMode, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const [, , uid, action] = url.pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, 400, page('Error', '<h1>This sign-in is no longer valid.</h1>'));
    return;
  }
  const clientId = String(details.params['client_id']);
  const prompt = details.prompt.name;

  if (req.method === 'GET' && !action) {
    if (mode === 'auto') {
      const hint = details.params['login_hint'];
      const account = DEMO_ACCOUNTS.find((a) => a.sub === hint) ?? DEMO_ACCOUNTS[0]!;
      const result = prompt === 'login' ? { login: { accountId: account.sub } } : await consentResult(provider, details);
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    send(res, 200, prompt === 'login' ? loginPage(details.uid, clientId) : consentPage(details.uid, clientId, details.prompt.details));
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, page('Error', '<h1>Method not allowed</h1>'));
    return;
  }
  if (action === 'login') {
    const form = await readForm(req);
    const account = DEMO_ACCOUNTS.find((a) => a.sub === form.get('username') && a.password === form.get('password'));
    if (!account) {
      send(res, 401, loginPage(details.uid, clientId, 'Wrong username or password.'));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
  } else if (action === 'confirm') {
    await provider.interactionFinished(req, res, await consentResult(provider, details), { mergeWithLastSubmission: true });
  } else if (action === 'abort') {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user cancelled.' }, { mergeWithLastSubmission: false });
  } else {
    send(res, 404, page('Error', '<h1>Not found</h1>'));
  }
}
