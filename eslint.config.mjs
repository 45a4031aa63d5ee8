import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', '**/node_modules/**', 'coverage/**', 'packages/*/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // libraries are reached only through their entry point
      'no-restricted-imports': ['error', { patterns: [{ group: ['@app/*/*'], message: 'Import a library through its entry point (@app/<lib>).' }, { group: ['**/libs/*/src/*'], message: 'Import a library through @app/<lib>.' }] }],
    },
  },
);
