import { createAuthorizedFetch, createBrowserClient, isAudienceError, type AuthState } from '@audience/browser';

declare const __AUDIENCE_DEMO__: { issuer: string; apiUrl: string };

const API = 'https://api.example.com';
const BILLING = 'https://billing.example.com';

const auth = createBrowserClient({
  issuer: __AUDIENCE_DEMO__.issuer,
  clientId: 'audience-spa',
  scopes: ['openid', 'offline_access', 'profile', 'email', 'read', 'write', 'invoices:read'],
  resources: [API, BILLING],
  postLogoutRedirectUri: `${location.origin}/`,
  dangerouslyAllowInsecureHttp: true, // the development server is http://127.0.0.1
});

// One authorized fetch per API: it adds the API's token and retries once when the API says the token is invalid.
const apis = {
  [API]: createAuthorizedFetch(auth, API, { dangerouslyAllowInsecureHttp: true }),
  [BILLING]: createAuthorizedFetch(auth, BILLING, { dangerouslyAllowInsecureHttp: true }),
};

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const show = (id: string, text: string): void => void ($(id).textContent = text);

function decode(token: string): Record<string, unknown> {
  const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(payload)) as Record<string, unknown>;
}

/** The status in words: who is signed in, or why nobody is. */
function statusText(state: AuthState): string {
  if (state.status === 'loading') return 'loading…';
  if (state.status === 'signed-in') return `Signed in as ${String(state.claims['name'] ?? state.claims['preferred_username'] ?? state.claims.sub)}`;
  return state.reason === 'session_expired' ? 'Session ended: sign in again' : 'Signed out';
}

function render(state: AuthState): void {
  $('status').textContent = statusText(state);
  $('status').className = `pill ${state.status}`;
  $('signed-in').hidden = state.status !== 'signed-in';
  $('signed-out').hidden = state.status !== 'signed-out';
  if (state.status === 'signed-in') show('claims', JSON.stringify(state.claims, null, 2));
  clearMessage(); // a new state: an old error no longer applies
}

function clearMessage(): void {
  $('error').hidden = true;
  $('error').className = 'error';
}

function fail(err: unknown): void {
  $('error').hidden = false;
  if (isAudienceError(err, 'ERR_CALLBACK') && err.error === 'access_denied') {
    $('error').className = 'notice';
    show('error', 'Sign-in cancelled.');
  } else if (isAudienceError(err, 'ERR_LOGIN_REQUIRED')) {
    show('error', 'Your session has ended. Restarting the demo ends every session (its authorization server keeps them in memory): sign in again.');
  } else {
    show('error', isAudienceError(err) ? `${err.code}: ${err.message}` : String(err));
  }
}

async function callApi(resource: keyof typeof apis, path: string): Promise<void> {
  const response = await apis[resource](`${__AUDIENCE_DEMO__.apiUrl}${path}`);
  // The token the call went out with (after a retry, the fresh one): a cache hit now.
  const { aud, scope, exp } = decode(await auth.getAccessToken(resource));
  const body: unknown = await response.json();
  show('api-result', JSON.stringify({ token: { aud, scope, exp, expiresIn: Number(exp) - Math.round(Date.now() / 1000) }, status: response.status, body }, null, 2));
}

auth.subscribe(render);
$('sign-in').onclick = () => (clearMessage(), void auth.signIn().catch(fail));
$('sign-out').onclick = () => void auth.signOut().catch(fail);
$('userinfo').onclick = () => void auth.fetchUserInfo().then((info) => show('userinfo-result', JSON.stringify(info, null, 2)), fail);
$('call-api').onclick = () => void callApi(API, '/api/items').catch(fail);
$('call-billing').onclick = () => void callApi(BILLING, '/billing/invoices').catch(fail);

if (auth.isRedirectCallback()) {
  auth.handleRedirectCallback().then(({ returnTo }) => history.replaceState(null, '', returnTo), fail);
} else if (new URLSearchParams(location.search).has('state')) {
  // Back from the end-session endpoint (RP-initiated logout returns the state it was sent): keep a clean address bar.
  history.replaceState(null, '', location.pathname + location.hash);
}
