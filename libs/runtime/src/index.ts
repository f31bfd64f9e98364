export * from './runtime';
export * from './core.module';
export * from './worker-bootstrap';
