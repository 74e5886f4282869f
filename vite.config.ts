import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// One config for the app (index.html, embed.html), the browser test harness (harness.html) and the library build.
export default defineConfig({
  server: { host: '127.0.0.1', fs: { allow: ['.', '../shared'] } },
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
