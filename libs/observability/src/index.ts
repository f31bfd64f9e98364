export * from './logger';
export * from './metrics';
export * from './integration-calls';
export * from './ops-listener';
export * from './request-context';
export * from './forge-metrics';
