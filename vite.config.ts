import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// One config for the app (index.html, embed.html), the browser test harness (harness.html) and the library build.
// Browser tests (FRCNN_NO_HMR=1, set by playwright.config.ts) turn hot reload off: an edit saved while a spec runs
// must not reload the page under it.
const hmr = process.env.FRCNN_NO_HMR ? false : undefined;

export default defineConfig({
  server: { host: '127.0.0.1', fs: { allow: ['.', '../shared'] }, hmr },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  // Pre-bundle tfjs up front: discovering it lazily makes Vite reload the page mid-test.
  optimizeDeps: {
    entries: ['index.html', 'embed.html', 'e2e/harness/index.html'],
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-webgl', '@tensorflow/tfjs-backend-wasm'],
  },
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        embed: resolve(import.meta.dirname, 'embed.html'), // the widget's example host page (/embed.html)
      },
    },
  },
});
