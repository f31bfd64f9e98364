export * from './site-content';
export * from './site-staging';
export * from './site-release-store';
export * from './nginx-site-target';
export * from './site-health-check';
export * from './site-screenshotter';
