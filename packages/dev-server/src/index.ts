export { startDevServer, type DevServer, type DevServerOptions } from './server.js';
export {
  DevServerControl,
  type Endpoint,
  type Fault,
  type FaultOptions,
  type RequestLogEntry,
  type TtlSettings,
} from './control.js';
export type { InteractionMode } from './interactions.js';
export {
  API_RESOURCE,
  API_SECRET,
  BILLING_RESOURCE,
  REPORTS_RESOURCE,
  DIRECTORY_AUDIENCE,
  DIRECTORY_RESOURCE,
  CLIENTS,
  DEMO_ACCOUNTS,
  RESOURCE_SCOPES,
  SERVICE_SECRET,
  WEBAPP_SECRET,
  type DemoAccount,
} from './constants.js';
export { walkSignIn } from './walk.js';
export type { SigningJwk } from './keys.js';
