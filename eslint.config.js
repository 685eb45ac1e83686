import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'scripts/gomod/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto'], message: 'workflow code must stay deterministic: no Node built-ins' },
          { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '../activities/*/*'], message: 'workflows import activities with `import type` only' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'Date', message: 'use workflow time (Date is replaced in the sandbox, but prefer explicit inputs)' }],
    },
  },
);
