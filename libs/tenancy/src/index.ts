// Tenants, API keys and roles (issue 10): plain classes usable from the gateway and from command lines.
export * from './api-key-format';
export * from './api-keys';
export * from './tenants';
export * from './secrets';
export { apiKeysFor, tenantsFor } from './api-keys-for';
