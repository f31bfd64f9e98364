export * from './manifest.schema';
export * from './variable-validator';
export * from './template-registry';
export * from './briefing-variables';
