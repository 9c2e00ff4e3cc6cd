/** The two demo APIs (RFC 8707 resource indicators) and their scopes. */
export const API_RESOURCE = 'https://api.example.com';
export const BILLING_RESOURCE = 'https://billing.example.com';
/** A third API whose access tokens are opaque, so that APIs can be tested with introspection (RFC 7662). */
export const REPORTS_RESOURCE = 'https://reports.example.com';

export const RESOURCE_SCOPES: Readonly<Record<string, string>> = {
  [API_RESOURCE]: 'read write',
  [BILLING_RESOURCE]: 'invoices:read',
  [REPORTS_RESOURCE]: 'reports:read',
};

/** Client identifiers registered by the development server. */
export const CLIENTS = {
  spa: 'audience-spa',
  service: 'audience-service',
  serviceJwt: 'audience-service-jwt',
  webapp: 'audience-webapp',
  api: 'audience-api',
} as const;

export const SERVICE_SECRET = 'dev-service-secret';
export const WEBAPP_SECRET = 'dev-webapp-secret';
export const API_SECRET = 'dev-api-secret';

export interface DemoAccount {
  readonly sub: string;
  readonly password: string;
  readonly name: string;
  readonly email: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { sub: 'alice', password: 'alice', name: 'Alice Example', email: 'alice@example.com' },
  { sub: 'bob', password: 'bob', name: 'Bob Example', email: 'bob@example.com' },
];
