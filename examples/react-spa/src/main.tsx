import { StrictMode, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createAuthorizedFetch, createBrowserClient, isAudienceError } from '@audience/browser';
import { AudienceProvider, useAccessToken, useAuth, useUserInfo } from '@audience/react';
import '../../spa/src/style.css';

declare const __AUDIENCE_DEMO__: { issuer: string; apiUrl: string };

const API = 'https://api.example.com';
const BILLING = 'https://billing.example.com';

// Configuration lives in one place: the client. The provider only receives it.
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

function decode(token: string): Record<string, unknown> {
  const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(payload)) as Record<string, unknown>;
}

const describe = (err: unknown): string => {
  if (isAudienceError(err, 'ERR_CALLBACK') && err.error === 'access_denied') return 'Sign-in cancelled.';
  if (isAudienceError(err, 'ERR_LOGIN_REQUIRED')) return 'Your session has ended. Restarting the demo ends every session: sign in again.';
  return isAudienceError(err) ? `${err.code}: ${err.message}` : String(err);
};

// Back from the end-session endpoint (RP-initiated logout returns the state it was sent): keep a clean address bar.
if (!auth.isRedirectCallback() && new URLSearchParams(location.search).has('state')) history.replaceState(null, '', location.pathname + location.hash);

/** The decoded `aud`, `scope` and `exp` of the current token for an API; re-renders when the token is replaced. */
function TokenSummary({ resource }: { readonly resource: string }) {
  const { status, token, error } = useAccessToken(resource);
  if (status === 'error') return <p className="error">{describe(error)}</p>;
  if (!token) return <p>…</p>;
  const { aud, scope, exp } = decode(token);
  return <pre data-resource={resource}>{JSON.stringify({ aud, scope, exp, expiresIn: Number(exp) - Math.round(Date.now() / 1000) }, null, 2)}</pre>;
}

function UserInfoCard() {
  const [asked, setAsked] = useState(false);
  return (
    <div className="card">
      <h2>Userinfo <small>(opaque token, no resource)</small></h2>
      {asked ? <UserInfoResult /> : <button id="userinfo" onClick={() => setAsked(true)}>Fetch userinfo</button>}
    </div>
  );
}

function UserInfoResult() {
  const info = useUserInfo();
  return <pre id="userinfo-result">{info.status === 'error' ? describe(info.error) : JSON.stringify(info.data ?? null, null, 2)}</pre>;
}

function ApiCard() {
  const [result, setResult] = useState('');
  const calls = useRef(0);
  const call = async (resource: keyof typeof apis, path: string): Promise<void> => {
    const call = ++calls.current;
    try {
      const response = await apis[resource](`${__AUDIENCE_DEMO__.apiUrl}${path}`);
      setResult(JSON.stringify({ call, status: response.status, body: await response.json() }, null, 2));
    } catch (err) {
      setResult(`call ${call}: ${describe(err)}`);
    }
  };
  return (
    <div className="card">
      <h2>APIs <small>(one JWT per resource, through createAuthorizedFetch)</small></h2>
      <TokenSummary resource={API} />
      <TokenSummary resource={BILLING} />
      <button id="call-api" onClick={() => void call(API, '/api/items')}>GET api.example.com /api/items</button>
      <button id="call-billing" onClick={() => void call(BILLING, '/billing/invoices')}>GET billing.example.com /billing/invoices</button>
      <pre id="api-result">{result}</pre>
    </div>
  );
}

function App() {
  const { status, claims, signIn, signOut, error } = useAuth();
  return (
    <>
      <header>
        <h1>Audience <small>React example</small></h1>
        <span id="status" className={`pill ${status}`}>{status === 'signed-in' ? `signed in as ${String(claims?.['name'] ?? claims?.sub)}` : status === 'loading' ? 'loading…' : 'signed out'}</span>
      </header>
      <main>
        {status === 'signed-out' && (
          <section id="signed-out">
            <p>Sign in with the development server (<code>alice</code> / <code>alice</code>).</p>
            <button id="sign-in" onClick={() => void signIn()}>Sign in</button>
          </section>
        )}
        {status === 'signed-in' && (
          <section id="signed-in">
            <div className="card">
              <h2>ID token claims <small>(of the latest ID token: a refreshed one may carry more)</small></h2>
              <pre id="claims">{JSON.stringify(claims, null, 2)}</pre>
            </div>
            <UserInfoCard />
            <ApiCard />
            <button id="sign-out" className="secondary" onClick={() => void signOut()}>Sign out</button>
          </section>
        )}
        {error !== undefined && status !== 'signed-in' && <p id="error" className={isAudienceError(error, 'ERR_CALLBACK') && error.error === 'access_denied' ? 'notice' : 'error'}>{describe(error)}</p>}
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AudienceProvider client={auth}>
      <App />
    </AudienceProvider>
  </StrictMode>,
);
