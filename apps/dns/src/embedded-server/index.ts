export * from './zone-lookup';
export * from './authoritative-answerer';
export * from './dns-responder';
export * from './embedded-dns.server';
export * from './embedded-dns-server.lifecycle';
