import { defineConfig, type Connect, type Plugin } from 'vite';
import { resolve } from 'node:path';

// One config for the app (index.html, embed.html), the browser test harness (harness.html) and the library build.
// Browser tests (FRCNN_NO_HMR=1, set by playwright.config.ts) turn hot reload off: an edit saved while a spec runs
// must not reload the page under it.
const hmr = process.env.FRCNN_NO_HMR ? false : undefined;

// Every page but the widget's example host (/embed.html, which stands for a host site without these headers) is
// served cross-origin isolated, in `npm start`, `npm run preview`, the browser tests and the train/eval harness:
// SharedArrayBuffer then exists and tfjs's wasm backend trains on every core (src/runtime/wasm_threads.ts).
// Everything the app loads is same-origin. Static hosts get the same from public/_headers.
const isolate: Connect.NextHandleFunction = (request, response, next) => {
  if (!/^\/embed\.html(?:[?#]|$)/.test(request.url ?? '')) {
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  }
  next();
};
const crossOriginIsolation: Plugin = {
  name: 'frcnn-cross-origin-isolation',
  configureServer: (server) => void server.middlewares.use(isolate),
  configurePreviewServer: (server) => void server.middlewares.use(isolate),
};

/** The PORT environment variable when it is a port number, else `fallback`. */
function port(fallback: number): number {
  const chosen = Number(process.env.PORT);
  return Number.isInteger(chosen) && chosen > 0 && chosen < 65536 ? chosen : fallback;
}

export default defineConfig({
  plugins: [crossOriginIsolation],
  // `npm start` on 5173 and `npm run preview` on 4173 unless PORT says otherwise (or `npm start -- --port 8080`)
  server: { host: '127.0.0.1', port: port(5173), strictPort: true, fs: { allow: ['.', '../shared'] }, hmr },
  preview: { host: '127.0.0.1', port: port(4173), strictPort: true },
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
