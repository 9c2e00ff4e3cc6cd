// A service calling an API with client-credentials tokens (one per API, cached, refreshed ahead of expiry).
import { createAuthorizedFetch, createServiceClient } from '@audience/node';

const service = createServiceClient({
  issuer: 'https://auth.example.com',
  clientId: 'billing-worker',
  clientSecret: process.env['CLIENT_SECRET'] ?? '', // or privateKey for private_key_jwt
});
const api = createAuthorizedFetch(service, 'https://api.example.com', { scopes: ['read'] });

const response = await api('https://api.example.com/items');
console.log(response.status, await response.json());
