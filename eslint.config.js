import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers, enforced: contract/ (shared definitions) ← core/ and config/ (pure logic) ←
 * activities/ (adapters) and workflows/ (deterministic orchestration) ← workers/ and cli/.
 * Each rule below names what a folder may not import and why.
 */
const NODE_IO = [
  'node:fs',
  'node:fs/*',
  'fs',
  'fs/*',
  'node:child_process',
  'child_process',
  'node:net',
  'net',
  'node:http',
  'http',
  'node:https',
  'https',
  'node:http2',
  'node:dns',
  'node:tls',
  'node:os',
  'os',
  'node:process',
  'node:timers/promises',
  'node:worker_threads',
];
const IO_LIBRARIES = [
  '@kubernetes/client-node',
  'simple-git',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  'pino',
  'prom-client',
  'p-limit',
];
/** core/ folders that workflow code may import: pure, deterministic, no Node built-ins, no I/O. */
const WORKFLOW_SAFE_CORE = ['core/autoscale', 'core/analysis', 'core/notify', 'core/poll'];

/** Import patterns that reach into the named top-level folders from any depth of this tree. */
const layers = (...names) =>
  names.flatMap((name) => [
    `../${name}/*`,
    `../../${name}/*`,
    `../../../${name}/*`,
    `../${name}`,
    `../../${name}`,
  ]);

const restrict = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'scripts/gomod/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test runs every test() / describe() it is handed; their promises are its business.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['contract/**/*.ts'],
    rules: restrict([
      {
        group: ['node:*', ...NODE_IO, ...IO_LIBRARIES],
        message: 'contract/ holds definitions only: no I/O, no Node built-ins (workflows import it)',
      },
      {
        group: layers('activities', 'workflows', 'workers', 'cli', 'client', 'core'),
        message: 'contract/ is the bottom layer: it imports nothing of the layers above',
      },
    ]),
  },
  {
    files: ['core/**/*.ts'],
    rules: restrict([
      {
        group: [...NODE_IO, ...IO_LIBRARIES, '@temporalio/workflow'],
        message:
          'core/ is pure: it decides from complete data and never fetches; do I/O in an adapter (activities/, client/)',
      },
      {
        group: layers('activities', 'workflows', 'workers', 'cli', 'client'),
        message: 'core/ may import only contract/, core/ and config/',
      },
    ]),
  },
  {
    files: ['config/**/*.ts'],
    rules: restrict([
      {
        group: [...NODE_IO, ...IO_LIBRARIES, '@temporalio/workflow'],
        message:
          'config/ is pure: it parses spec text; the cluster registry file is read in client/cluster-registry-file.ts',
      },
      {
        group: layers('activities', 'workflows', 'workers', 'cli', 'client', 'core', 'contract'),
        message: 'config/ is the bottom layer: the spec model imports no other layer',
      },
    ]),
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      ...restrict([
        {
          group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'util'],
          message: 'workflow code must stay deterministic: no Node built-ins',
        },
        {
          group: [...IO_LIBRARIES],
          message:
            'workflows reach the world only through activities (import their interfaces from contract/)',
        },
        {
          group: layers('activities', 'workers', 'cli', 'client'),
          message:
            'workflows import only contract/, config/ and the sandbox-safe core/ folders (activities run on workers, not in the sandbox)',
        },
        {
          // core/, except the pure decision rules workflows share with agents (checked sandbox-safe below).
          regex: `^(\\.\\./)+core/(?!(${WORKFLOW_SAFE_CORE.map((dir) => dir.slice('core/'.length)).join('|')})/)`,
          message:
            'workflows import only contract/, config/ and the sandbox-safe core/ folders (activities run on workers, not in the sandbox)',
        },
      ]),
      'no-restricted-globals': [
        'error',
        {
          name: 'Date',
          message: 'use workflow time (Date is replaced in the sandbox, but prefer explicit inputs)',
        },
      ],
    },
  },
  {
    files: WORKFLOW_SAFE_CORE.map((dir) => `${dir}/**/*.ts`),
    rules: {
      ...restrict([
        {
          group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'util', ...IO_LIBRARIES],
          message: 'workflows import this folder: it must stay deterministic, without Node built-ins or I/O',
        },
      ]),
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'workflow code imports this: take time as an input' },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: restrict([
      {
        group: layers('workflows', 'workers', 'cli'),
        message:
          'activities are adapters: they share types with workflows through contract/, never import them',
      },
    ]),
  },
  {
    files: ['client/**/*.ts'],
    rules: restrict([
      {
        group: ['@kubernetes/client-node', 'simple-git', '@temporalio/worker', '@temporalio/activity'],
        message: 'client/ talks to Temporal only',
      },
      {
        group: layers('activities', 'workflows', 'workers', 'cli'),
        message: 'client/ imports only contract/, core/ and config/',
      },
    ]),
  },
  {
    files: ['cli/**/*.ts'],
    ignores: ['cli/commands/worker.ts'],
    rules: restrict([
      {
        group: ['@kubernetes/client-node', 'simple-git', '@temporalio/worker', '@temporalio/activity'],
        message: 'the CLI is a Temporal client and nothing else: Git and cluster access happen on agents',
      },
      {
        group: layers('activities', 'workflows', 'workers'),
        allowTypeImports: true,
        message:
          'the CLI is a Temporal client: start workflows by type name (contract/ids.ts) and use client/',
      },
    ]),
  },
);
