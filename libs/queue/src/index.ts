export * from './redis-connection';
export * from './job-producer';
export * from './job-context';
export * from './job-handler.decorator';
export * from './bullmq.transport';
export * from './progress-publisher';
export * from './rethrow-rpc-errors.filter';
