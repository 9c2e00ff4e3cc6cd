import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const platformGlobals = ['window', 'document', 'localStorage', 'sessionStorage', 'indexedDB', 'navigator', 'location', 'process', 'Buffer'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'examples/**/build/**', '**/.test-build/**', 'docs/api/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a string-literal union instead of an enum.' },
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    // Core knows no platform: storage, locks, fetch and the clock come in through its options.
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['idb-keyval', ...builtinModules].map((name) => ({ name, message: 'packages/core must not import platform modules.' })),
          patterns: [{ group: ['node:*'], message: 'packages/core must not import node:* modules.' }],
        },
      ],
      'no-restricted-globals': ['error', ...platformGlobals.map((name) => ({ name, message: `packages/core must not read the platform global "${name}".` }))],
    },
  },
  {
    files: ['**/*.config.{js,ts}', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
