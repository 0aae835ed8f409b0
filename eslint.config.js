// ESLint flat config. Formatting is Prettier's job: eslint-config-prettier comes last so no
// stylistic rule can disagree with it. typescript-eslint runs without type information
// (recommended, not recommended-type-checked) to keep `npm run lint` fast; tsc already
// type-checks the project in `npm run typecheck`.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores(['dist/', 'dist-*/', 'node_modules/', 'bench/results/', 'src/data/']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    name: 'project/unused-underscore',
    rules: {
      // `_name` marks a deliberately unused binding (callback arity, destructuring a field away).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  {
    name: 'project/browser',
    files: ['src/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    name: 'project/node',
    files: ['bench/**', 'tests/**', 'src/cli/**', '*.config.ts', 'tests/e2e/run.mjs', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },

  {
    name: 'project/react-hooks',
    files: ['src/ui/**/*.tsx'],
    ...reactHooks.configs.flat.recommended,
  },

  prettier,
]);
