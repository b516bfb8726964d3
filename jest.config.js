/** Three tiers (design.md §6): unit specs beside the code, e2e through the gateway in two modes. */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, target: 'es2022', keepClassNames: true } }];
const moduleNameMapper = {
  '^@app/testing$': '<rootDir>/test/support',
  '^@app/(.*)$': '<rootDir>/libs/$1/src',
};
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };

module.exports = {
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'], testPathIgnorePatterns: ['/node_modules/', '\\.e2e-spec\\.ts$'] },
    { ...common, displayName: 'e2e-standalone', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], globalSetup: '<rootDir>/test/e2e/setup/standalone.setup.ts', globalTeardown: '<rootDir>/test/e2e/setup/teardown.ts', maxWorkers: 1 },
    { ...common, displayName: 'e2e-distributed', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'], globalSetup: '<rootDir>/test/e2e/setup/distributed.setup.ts', globalTeardown: '<rootDir>/test/e2e/setup/teardown.ts', maxWorkers: 1 },
  ],
};
