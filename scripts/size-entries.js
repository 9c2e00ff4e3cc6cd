// The SPA entry that the size script and the feature-cost script both bundle: every call a single-page app makes.
export const spa = `
import { createBrowserClient } from '@audience/browser';
const auth = createBrowserClient({ issuer: 'https://id.example.com', clientId: 'spa', resources: ['https://api.example.com'] });
auth.subscribe((state) => console.log(state.status));
export const signIn = () => auth.signIn();
export const callback = () => auth.handleRedirectCallback();
export const token = () => auth.getAccessToken('https://api.example.com');
export const userinfo = () => auth.fetchUserInfo();
export const signOut = () => auth.signOut();
`;
