export * from './step-executor';
export * from './step-runner';
