export * from './step-executor';
export * from './step-runner';
export * from './step-artifact.store';
