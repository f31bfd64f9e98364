export * from './manifest.schema';
export * from './variable-validator';
export * from './template-registry';
export * from './briefing-variables';
export * from './template-helpers';
export * from './templates-startup.check';
