export * from './dns-provider';
export * from './zone-name';
export * from './record-plan';
export * from './dns-provider.factory';
export * from './measured-dns.provider';
export * from './dns-client';
export * from './embedded/wire-values';
export * from './embedded/embedded-dns.provider';
