// The same app in React: the client is made once, the provider receives it.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserClient } from '@audience/browser';
import { AudienceProvider, RequireAuth, useAccessToken, useAuth } from '@audience/react';

const auth = createBrowserClient({ issuer: 'https://auth.example.com', clientId: 'my-spa', resources: ['https://api.example.com'] });

function Profile() {
  const { claims, signOut } = useAuth();
  const { token } = useAccessToken('https://api.example.com'); // re-renders when the token is replaced
  return (
    <p>
      {claims?.sub} has a token: {token ? 'yes' : '…'} <button onClick={() => void signOut()}>Sign out</button>
    </p>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AudienceProvider client={auth}>
      <RequireAuth fallback={<p>Signing in…</p>}>
        <Profile />
      </RequireAuth>
    </AudienceProvider>
  </StrictMode>,
);
