import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Layer rules (../shared/docs/style.md): lower layers never import higher ones.
const restrict = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'dist-lib/**', 'node_modules/**', 'public/**', 'test-results/**', 'playwright-report/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  restrict(
    ['src/geometry/**'],
    ['@tensorflow/*', '../*'],
    'geometry is layer 0: pure TypeScript, no tfjs, no imports from other layers.',
  ),
  restrict(
    ['src/proposals/**', 'src/data/**', 'src/evaluation/**'],
    ['@tensorflow/*', '../model/*', '../training/*', '../ui/*', '../widget/*', '../kernels/*'],
    'proposals, data and evaluation are pure layer-1 code: they may import geometry only.',
  ),
  restrict(
    ['src/kernels/**'],
    ['../model/*', '../training/*', '../ui/*', '../widget/*'],
    'kernels know nothing about the model, training or UI.',
  ),
  restrict(
    ['src/model/**'],
    ['../training/*', '../ui/*', '../widget/*'],
    'the model layer may not import training or UI code.',
  ),
  restrict(['src/training/**'], ['../ui/*', '../widget/*'], 'training never touches the UI.'),
  restrict(['src/api/**'], ['../ui/*', '../widget/*'], 'the library API (src/api) is below the widget and the app.'),
);
