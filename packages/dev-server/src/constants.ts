/** The two demo APIs (RFC 8707 resource indicators) and their scopes. */
export const API_RESOURCE = 'https://api.example.com';
/** The billing API (`invoices:read`), with ES256 JWT access tokens. */
export const BILLING_RESOURCE = 'https://billing.example.com';
/** A third API whose access tokens are opaque, so that APIs can be tested with introspection (RFC 7662). */
export const REPORTS_RESOURCE = 'https://reports.example.com';

/**
 * An API whose tokens carry an audience that is not a URL, as Auth0 and Entra ID issue them (`aud` a GUID or a name):
 * it is asked for with `resource=${DIRECTORY_RESOURCE}` and its JWTs say `aud: ${DIRECTORY_AUDIENCE}`.
 */
export const DIRECTORY_RESOURCE = 'https://directory.example.com';
/** The audience (a GUID) that the tokens of {@link DIRECTORY_RESOURCE} carry. */
export const DIRECTORY_AUDIENCE = '6f1c2b9e-3d4a-4c5b-9e8f-7a6b5c4d3e2f';

/** The scopes each API knows. */
export const RESOURCE_SCOPES: Readonly<Record<string, string>> = {
  [API_RESOURCE]: 'read write',
  [BILLING_RESOURCE]: 'invoices:read',
  [REPORTS_RESOURCE]: 'reports:read',
  [DIRECTORY_RESOURCE]: 'directory:read',
};

/** Client identifiers registered by the development server. */
export const CLIENTS = {
  spa: 'audience-spa',
  service: 'audience-service',
  serviceJwt: 'audience-service-jwt',
  webapp: 'audience-webapp',
  /** The web app again, authenticating with private_key_jwt (the key pair of `serviceJwtPrivateKey`). */
  webappJwt: 'audience-webapp-jwt',
  api: 'audience-api',
} as const;

/** The secret of the `audience-service` client (development only). */
export const SERVICE_SECRET = 'dev-service-secret';
/** The secret of the `audience-webapp` client (development only). */
export const WEBAPP_SECRET = 'dev-webapp-secret';
/** The secret of the example API's own client, for introspection (development only). */
export const API_SECRET = 'dev-api-secret';

/** A person who can sign in at the development server. */
export interface DemoAccount {
  readonly sub: string;
  readonly password: string;
  readonly name: string;
  readonly email: string;
}

/** The demo accounts: `alice` / `alice` and `bob` / `bob`. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { sub: 'alice', password: 'alice', name: 'Alice Example', email: 'alice@example.com' },
  { sub: 'bob', password: 'bob', name: 'Bob Example', email: 'bob@example.com' },
];
