// Tenant secrets (issue 10): sealed storage, master keys, and the credential shapes steps read from them.
export * from './secrets-keyring';
export * from './secrets.store';
export * from './secrets-credentials';
