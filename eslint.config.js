// Flat config: typescript-eslint's recommended rules plus the boundaries of design.md §6.
const tseslint = require('typescript-eslint');

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
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@app/*/*'], message: 'Import libs through their barrel (@app/<lib>), never by deep path.' },
            { group: ['**/libs/*/src/**', '**/libs/*/src'], message: 'Import libs through their barrel (@app/<lib>).' },
          ],
        },
      ],
    },
  },
  {
    // Apps never import other apps; the standalone launcher is the one place that composes them.
    files: ['apps/gateway/**/*.ts', 'apps/fleet-service/**/*.ts', 'apps/integration-service/**/*.ts', 'apps/health-monitor/**/*.ts'],
    ignores: [],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@app/*/*'], message: 'Import libs through their barrel (@app/<lib>), never by deep path.' },
            { group: ['**/libs/*/src/**', '**/libs/*/src'], message: 'Import libs through their barrel (@app/<lib>).' },
            { group: ['**/gateway/src/**', '**/fleet-service/src/**', '**/integration-service/src/**', '**/health-monitor/src/**', '**/standalone/src/**'], message: 'Apps never import other apps: talk over NATS, share through libs/contracts.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
