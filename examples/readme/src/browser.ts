// A single-page app: sign in with a redirect, then call an API with its own token.
import { createAuthorizedFetch, createBrowserClient } from '@audience/browser';

const auth = createBrowserClient({
  issuer: 'https://auth.example.com',
  clientId: 'my-spa',
  resources: ['https://api.example.com'], // the APIs this app calls (RFC 8707)
  postLogoutRedirectUri: `${location.origin}/`,
});

// On the redirect URI (default: /callback), complete the sign-in and go back where it started.
if (auth.isRedirectCallback()) history.replaceState(null, '', (await auth.handleRedirectCallback()).returnTo);

auth.subscribe((state) => console.log(state.status)); // 'loading' | 'signed-in' | 'signed-out'
document.querySelector('#sign-in')?.addEventListener('click', () => void auth.signIn());

// A fetch that adds the API's token and retries once with a fresh one if the API says it is invalid.
const api = createAuthorizedFetch(auth, 'https://api.example.com');
export const items = async (): Promise<unknown> => (await api('https://api.example.com/items')).json();
