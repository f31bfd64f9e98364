// Tenants, API keys, roles (issue 10). Filled in by the tenancy work.
export {};
