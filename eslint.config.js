import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// The code that ships: type-aware rules catch the promise mistakes that stream and worker code
// invites (a write, a drain or a worker reply nobody awaits), which the syntax-only rules cannot see.
const shipped = ['packages/*/src/**/*.ts', 'actions/*/src/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.bench/**', '.tmp/**', 'test/harness/fixtures/**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    plugins: { 'import-x': importX },
    settings: {
      // import-x reads a module's imports only from files it can parse: the TypeScript ones too.
      'import-x/extensions': ['.ts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/external-module-folders': ['node_modules'],
      // Resolves the sources' `./x.js` specifiers to the `.ts` files and `@agent-gates/*` through the
      // workspace packages' exports, so a cycle through either is seen.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A cycle makes module order matter: it works only while every value crossing it is read late.
      // Cycles through node_modules are not ours to fix, and walking them costs most of the rule's time.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Only action-kit may touch the runner; core must stay runnable by the CLI and the tests.
      'no-restricted-imports': 'off',
    },
  },
  {
    files: shipped,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['packages/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@actions/*'], message: 'packages/core must not import @actions/*: go through action-kit.' }] },
      ],
    },
  },
  {
    files: ['actions/*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@actions/*'], message: 'actions reach the runner through @agent-gates/action-kit.' }] }],
    },
  },
);
