// Flat config: typescript-eslint's recommended rules plus the boundaries of design.md §6.
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');

// class-validator's IsOptional lets null through as well (a 500 at a NOT NULL column): @app/contracts has
// Optional() (absent only) and OptionalOrNull() (where null clears the field).
const NO_IS_OPTIONAL = { name: 'class-validator', importNames: ['IsOptional'], message: 'Use Optional() or OptionalOrNull() from @app/contracts (common/validators.ts).' };
const BARRELS = [
  { group: ['@app/*/*'], message: 'Import libs through their barrel (@app/<lib>), never by deep path.' },
  { group: ['**/libs/*/src/**', '**/libs/*/src'], message: 'Import libs through their barrel (@app/<lib>).' },
];
const OTHER_APPS = { group: ['**/gateway/src/**', '**/fleet-service/src/**', '**/integration-service/src/**', '**/health-monitor/src/**', '**/standalone/src/**'], message: 'Apps never import other apps: talk over NATS, share through libs/contracts.' };
const reactHooks = require('eslint-plugin-react-hooks');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-inferrable-types': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-imports': ['error', { patterns: BARRELS, paths: [NO_IS_OPTIONAL] }],
    },
  },
  {
    // Apps never import other apps; the standalone launcher is the one place that composes them.
    files: ['apps/gateway/**/*.ts', 'apps/fleet-service/**/*.ts', 'apps/integration-service/**/*.ts', 'apps/health-monitor/**/*.ts'],
    ignores: [],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...BARRELS, OTHER_APPS], paths: [NO_IS_OPTIONAL] }],
    },
  },
  {
    // The CLI is a client of the HTTP API like any other: it reaches the system through @app/api-client only.
    files: ['apps/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...BARRELS, OTHER_APPS, { group: ['@app/*', '!@app/api-client', '@nestjs/*'], message: 'The CLI talks to the gateway over HTTP through @app/api-client, nothing else of the server.' }] },
      ],
    },
  },
  {
    // The API client also runs in the browser (the console): no Node built-ins, nothing of the server.
    files: ['libs/api-client/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...BARRELS,
            { group: ['node:*', ...builtinModules], message: 'The API client runs in browsers too: web APIs only (fetch, streams, crypto.randomUUID).' },
            { group: ['@app/*', '@nestjs/*', 'class-validator', 'class-transformer'], message: 'The API client takes its types from the generated OpenAPI types, not from server code.' },
          ],
        },
      ],
    },
  },
  {
    // The web console (React): the rules of hooks; it talks to the API only through @app/api-client.
    files: ['apps/console/**/*.ts', 'apps/console/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-imports': ['error', { patterns: [...BARRELS, OTHER_APPS, { group: ['@app/*', '!@app/api-client'], message: 'The console talks to the gateway over HTTP through @app/api-client, nothing else of the server.' }] }],
    },
  },
  {
    // execute() returns the handler's type only for typed commands and queries; an untyped one would give `any`.
    files: ['apps/**/*.command.ts', 'apps/**/*.query.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ClassDeclaration:not([superClass])', message: 'A command extends Command<Result>, a query Query<Result> (@nestjs/cqrs), so that execute() returns the handler\'s type.' },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
