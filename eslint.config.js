// Lint: typescript-eslint's recommended rules plus the import boundaries of docs/design.md.
// Where code runs is visible in its path, and this file is what makes that true:
//   electron/core      plain Node: never imports `electron` (it must run in tests and the CLI)
//   electron/core/*    layered inside too: eslint/code-layering.js
//   renderer           browser: imports nothing from core but types, and the contract's values (core/api)
//   electron/preload   only `electron`, core types, and the contract's values (core/api)
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layering from './eslint/code-layering.js';

const electronImport = {
  name: 'electron',
  message: 'electron/core runs in plain Node (tests, CLI, a future machine service): pass an interface in from electron/main instead.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', '.aup-dev/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests read JSON back (configs, reports, ledger lines) and poke at it; typing every shape would
    // add nothing the assertions do not already check.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['electron/core/**'],
    plugins: { local: layering },
    rules: {
      'local/code-layering': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            electronImport,
            { name: 'electron-store', message: 'electron-store imports electron; core uses its engine `conf` with an explicit folder.' },
          ],
          patterns: [{ group: ['**/main/**', '**/preload/**', '**/renderer/**'], message: 'core depends on nothing above it.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport],
          patterns: [
            {
              regex: '(^|/)electron/(core/(?!api/)|main/|preload/)',
              allowTypeImports: true,
              message: 'the renderer only shows what KioskService tells it: import types from core, never code.',
            },
            { group: ['node:*', 'fs', 'path', 'child_process'], message: 'the renderer is a sandboxed web page.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(core/(?!api/)|main/)|(^|/)renderer/',
              allowTypeImports: true,
              message: 'the preload exposes KioskApi and nothing else: types from core only.',
            },
          ],
        },
      ],
    },
  },
);
