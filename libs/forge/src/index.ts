// The plugin forge's shared code (issue 11): templates → files → lint → contract tests → sandbox → ZIP → statement.
export * from './steps';
export * from './manifest';
export * from './generator';
export * from './php';
export * from './build';
export * from './contract-tests';
export * from './sandbox';
export * from './package';
export * from './statement';
export * from './workspace';
export * from './forge-api.schema';
export * from './sql';
