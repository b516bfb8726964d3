/** Three tiers (design.md §6): unit specs beside the code; e2e through the gateway, run once per mode (E2E_MODE); and the console's browser suite, once. */
const swc = ['@swc/jest', { swcrc: false, jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, target: 'es2022', keepClassNames: true } }];
const moduleNameMapper = {
  '^@app/testing$': '<rootDir>/test/support',
  '^@app/(.*)$': '<rootDir>/libs/$1/src',
};
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'], testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.e2e-spec\\.ts$', '/apps/console/'] },
    // `*.distributed.e2e-spec.ts`: meaningful over NATS only, run in the distributed pass only; `*.standalone.e2e-spec.ts`:
    // the HTTP edge, the same code in both modes, run once (in the standalone pass).
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: [process.env.E2E_MODE === 'distributed' ? '\\.standalone\\.e2e-spec\\.ts$' : '\\.distributed\\.e2e-spec\\.ts$'],
      globalSetup: '<rootDir>/test/e2e/setup/global.setup.ts',
      slowTestThreshold: 60,
    },
    // The web console in Debian's Chromium against the standalone system, as `npm start` runs it (once, not per mode).
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.e2e-spec.ts'], globalSetup: '<rootDir>/test/e2e/setup/global.setup.ts', slowTestThreshold: 120 },
  ],
};
