// A server-side web app: the browser holds only an HttpOnly session cookie; tokens stay on the server.
import { createServer } from 'node:http';
import { createWebAppClient } from '@audience/node';

const webapp = createWebAppClient({
  issuer: 'https://auth.example.com',
  clientId: 'my-web-app',
  clientSecret: process.env['CLIENT_SECRET'] ?? '',
  redirectUri: 'https://app.example.com/callback',
  postLogoutRedirectUri: 'https://app.example.com/',
  resources: ['https://api.example.com'],
});

createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'https://app.example.com').pathname;
  void (async () => {
    if (path === '/login') return webapp.signIn(req, res, { returnTo: '/' });
    if (path === '/callback') {
      const { returnTo } = await webapp.handleCallback(req, res); // a new session id in the cookie
      res.writeHead(302, { location: returnTo }).end();
      return;
    }
    if (path === '/logout') return webapp.signOut(req, res); // a POST from this site only
    const user = await webapp.getUser(req);
    if (!user) return void res.writeHead(302, { location: '/login' }).end();
    const token = await webapp.getAccessToken(req, 'https://api.example.com');
    res.end(`Hello ${user.sub}; a token for the API: ${token.length} characters`);
  })().catch(() => res.writeHead(500).end('Something went wrong'));
}).listen(3000, '127.0.0.1');
