import { defineConfig, type Plugin } from 'vite';
import { resolve } from 'node:path';

// The library build (`npm run build:lib`): ES modules in dist-lib/ for host pages.
//  - frcnn.js            the API (createDetector), no side effects
//  - frcnn-detector.js   defines <frcnn-detector> and re-exports the API: the one script tag a host page needs
//  - frcnn-core-*.js     the shared code, tfjs included (a host page needs nothing else)
//  - assets/             the Web Workers (proposals, training) and tfjs's .wasm files
// `base: './'` makes every worker and asset URL relative to import.meta.url, so dist-lib/ can be served from any
// folder. The model and the backbone are not bundled: they are fetched from the app's public/ folder, or from
// wherever `assets-base` points. Type declarations: tsc -p tsconfig.lib.json (part of `npm run build:lib`).

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

export default defineConfig({
  base: './',
  publicDir: false,
  plugins: [wasmAsFiles(), declarationEntries()],
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
