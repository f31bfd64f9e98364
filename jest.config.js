/**
 * Two projects: fast unit specs next to the code, and integration/e2e specs
 * under test/ that talk to the real PostgreSQL and Redis. Both use the same
 * global setup, which gives this test run its own database and Redis prefix.
 */
const swc = ['@swc/jest', { swcrc: true }];
const moduleNameMapper = {
  '^@bf/(contracts|config|persistence|queue|observability|step-sdk|runtime|templates|dns|odoo|evidence-verify|tenancy|forge)$': '<rootDir>/libs/$1/src',
};
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testEnvironment: 'node',
};
module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  // After the crash suite restarts its private Redis, closing the BullMQ workers can hang; RunningSystem.stop
  // gives up after 15 s and the abandoned clients keep reconnecting to the stopped Redis, which would hold
  // the run open forever once every test has passed. Known defect, noted in the README (Operations → Tests).
  forceExit: true,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
