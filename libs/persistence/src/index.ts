export * from './entities';
export * from './data-source';
export * from './audit-log';
export * from './audit-query';
export * from './audit-chain';
export * from './audit-verify';
export * from './persistence.module';
export * from './plan-view';
