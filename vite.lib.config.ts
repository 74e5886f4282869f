import { defineConfig, type Plugin } from 'vite';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// The library build (`npm run build:lib`): ES modules in dist-lib/ for host pages.
//  - frcnn.js            the API (createDetector), no side effects
//  - frcnn-detector.js   defines <frcnn-detector> and re-exports the API: the one script tag a host page needs
//  - frcnn-core-*.js     the shared code, tfjs included (a host page needs nothing else)
//  - assets/             the Web Workers (proposals, training) and tfjs's .wasm files
//  - models/bccd/, backbone/   the default model and the backbone, so the folder is a site a static host serves as is
//  - README.md           how to embed it (docs/dist-lib-README.md)
// `base: './'` makes every worker and asset URL relative to import.meta.url, so dist-lib/ can be served from any
// folder; the model and the backbone are fetched from `assets-base` (default: the site's root, where dist-lib/ sits
// when it is the site). Type declarations: tsc -p tsconfig.lib.json (part of `npm run build:lib`).

/**
 * Library mode inlines every asset as a data: URL; for the tfjs wasm binaries (imported `?url` by the training
 * worker) that would add 3 x 0.5 MB of base64 to the worker. `?no-inline` makes Vite emit them as files instead.
 */
function wasmAsFiles(): Plugin {
  return {
    name: 'frcnn-wasm-as-files',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!/\.wasm\?url$/.test(source)) return null;
      const resolved = await this.resolve(source.replace(/\?url$/, ''), importer, { skipSelf: true });
      return resolved ? `${resolved.id}?url&no-inline` : null;
    },
  };
}

/** frcnn.d.ts and frcnn-detector.d.ts beside the bundles, pointing at the declarations tsc writes to types/. */
function declarationEntries(): Plugin {
  return {
    name: 'frcnn-declaration-entries',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'frcnn.d.ts', source: "export * from './types/index';\n" });
      this.emitFile({ type: 'asset', fileName: 'frcnn-detector.d.ts', source: "export * from './types/widget/define';\n" });
    },
  };
}

/** public/ files the built folder carries (the backbone is copied there by scripts/copy_backbone.mjs). */
const SITE_FILES = ['models/bccd/model.json', 'models/bccd/weights.bin', 'backbone/centernet.json', 'backbone/centernet.bin'];

/** The default model, the backbone and the README beside the bundles: dist-lib/ is then a site as it is. */
function staticSite(): Plugin {
  return {
    name: 'frcnn-static-site',
    generateBundle() {
      for (const file of SITE_FILES) {
        const from = resolve(import.meta.dirname, 'public', file);
        if (!existsSync(from)) this.error(`${from} is missing: run \`npm run prepare-assets\` (the backbone) or restore public/models/`);
        this.emitFile({ type: 'asset', fileName: file, source: readFileSync(from) });
      }
      this.emitFile({ type: 'asset', fileName: 'README.md', source: readFileSync(resolve(import.meta.dirname, 'docs/dist-lib-README.md')) });
    },
  };
}

export default defineConfig({
  base: './',
  publicDir: false,
  plugins: [wasmAsFiles(), declarationEntries(), staticSite()],
  worker: { format: 'es', plugins: () => [wasmAsFiles()] },
  build: {
    outDir: 'dist-lib',
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      entry: {
        frcnn: resolve(import.meta.dirname, 'src/index.ts'),
        'frcnn-detector': resolve(import.meta.dirname, 'src/widget/define.ts'),
      },
      formats: ['es'],
      fileName: (_format, entryName) => `${entryName}.js`,
    },
    rollupOptions: {
      // assets in assets/ with a content hash, as the workers' are: the page's and the workers' copies of the tfjs
      // .wasm files then share one file each instead of shipping twice
      output: { chunkFileNames: 'frcnn-core-[hash].js', assetFileNames: 'assets/[name]-[hash][extname]' },
    },
  },
});
