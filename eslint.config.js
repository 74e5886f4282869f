import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

// Layers of src/ (docs/architecture.md): each folder, at any depth, may import only itself and the folders listed
// here. Anything else under src/ (a folder above it, a sibling, e2e/, scripts/) is a lint error.
// Keep this table, the diagram in docs/architecture.md and scripts/lint_layers.test.ts in step.
const LAYERS = {
  geometry: [], // pure box maths
  evaluation: ['geometry'], // VOC AP
  data: ['geometry'], // dataset formats, image decoding
  proposals: ['geometry'], // selective search and its workers
  runtime: [], // tfjs backends, device loss, storage errors
  kernels: ['runtime'], // custom tfjs ops (RoI pooling)
  model: ['geometry', 'runtime', 'kernels', 'proposals/rpn/settings.ts', 'proposals/rpn/settings_json.ts'], // the Fast R-CNN network, weights, post-processing (from proposals: the RPN's settings a saved model carries, plain JSON)
  pipeline: ['geometry', 'data', 'proposals', 'runtime', 'kernels', 'model'], // one detection: proposals, network, post-processing, lost-device recovery
  render: ['geometry', 'model/detection_types.ts', 'model/postprocess.ts'], // canvas drawing shared by the app and the widget (from model: the types, and the post-processing a redraw runs again)
  training: ['geometry', 'evaluation', 'data', 'proposals', 'runtime', 'kernels', 'model', 'pipeline'],
  api: ['geometry', 'evaluation', 'data', 'proposals', 'runtime', 'kernels', 'model', 'pipeline', 'training'], // the library
  'index.ts': ['api'], // the library's entry point
  widget: ['geometry', 'render', 'api', 'index.ts'], // <frcnn-detector>: a thin element over the library
  ui: ['geometry', 'evaluation', 'data', 'proposals', 'runtime', 'kernels', 'model', 'pipeline', 'render', 'training', 'api', 'index.ts'], // the app
};

// Folders that must not see tfjs: pure code that also runs in plain workers and in Node without a backend.
const NO_TFJS = ['geometry', 'evaluation', 'data', 'proposals', 'render', 'widget'];

// A new folder in src/ must take a place in the table before anything lints.
const here = import.meta.dirname;
const unplaced = readdirSync(`${here}/src`, { withFileTypes: true })
  .filter((entry) => (entry.isDirectory() || !entry.name.endsWith('.d.ts')) && !(entry.name in LAYERS))
  .map((entry) => `src/${entry.name}`);
if (unplaced.length > 0) {
  throw new Error(`eslint.config.js: ${unplaced.join(', ')} has no place in LAYERS; add it there and in docs/architecture.md.`);
}

const layerZones = Object.entries(LAYERS).map(([layer, allowed]) => ({
  target: `./src/${layer}`,
  from: './src',
  except: [`./${layer}`, ...allowed.map((a) => `./${a}`)],
  message: `src/${layer} may import only ${allowed.length > 0 ? allowed.map((a) => `src/${a}`).join(', ') : 'itself'} (docs/architecture.md).`,
}));

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
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: here,
          zones: [
            ...layerZones,
            { target: './src', from: ['./e2e', './scripts'], message: 'src/ never imports e2e/ or scripts/: test and CLI glue live there, product code here.' },
          ],
        },
      ],
    },
  },
  {
    files: NO_TFJS.map((layer) => `src/${layer}/**`),
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@tensorflow/*'], message: 'this layer is plain TypeScript: no tfjs (docs/architecture.md).' }] },
      ],
    },
  },
);
