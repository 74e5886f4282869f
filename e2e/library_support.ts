/**
 * A plain static file server for the library specs: the built dist-lib/ under /lib/, the app's public/ at the
 * root (backbone, samples, models), extra files from memory, and no special headers (no COOP/COEP, nothing Vite
 * would add). On 127.0.0.1, so WebGPU still sees a secure context.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { REPO_ROOT } from './page_objects';

/** Where the library specs' build goes. */
export const LIBRARY_BUILD = join(REPO_ROOT, 'test-results', 'dist-lib');

/**
 * `vite build --config vite.lib.config.ts` into LIBRARY_BUILD, once per test run: the specs of one run share a
 * runner process (every worker's parent), whose pid stamps the build, so the second spec reuses the first's.
 */
export function buildLibraryOnce(): string {
  const stamp = join(LIBRARY_BUILD, `.built-for-run-${process.ppid}`);
  if (existsSync(stamp)) return LIBRARY_BUILD;
  execFileSync('npx', ['vite', 'build', '--config', 'vite.lib.config.ts', '--outDir', LIBRARY_BUILD, '--logLevel', 'warn'], { cwd: REPO_ROOT, stdio: 'pipe' });
  writeFileSync(stamp, '');
  return LIBRARY_BUILD;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream', '.jpg': 'image/jpeg', '.png': 'image/png', '.xml': 'text/xml', '.css': 'text/css',
};

export interface StaticSite {
  readonly origin: string;
  /** Every path requested so far. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `mounts` (URL prefix -> folder, first match wins) and `files` (exact path -> content), with `headers` on
 * every response (e.g. a Content-Security-Policy). A directory path serves its index.html.
 */
export async function serveStatic(mounts: readonly [string, string][], files: ReadonlyMap<string, string | Buffer>, headers: Record<string, string> = {}): Promise<StaticSite> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const send = (status: number, body: string | Buffer, type = 'text/plain') => {
      response.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(body) });
      response.end(body);
    };
    const inline = files.get(path);
    if (inline !== undefined) return send(200, inline, TYPES[extname(path)] ?? 'application/octet-stream');
    const mount = mounts.find(([prefix]) => path.startsWith(prefix));
    if (!mount) return send(404, 'not found');
    const file = normalize(join(mount[1], path.slice(mount[0].length) + (path.endsWith('/') ? 'index.html' : '')));
    if (!file.startsWith(normalize(mount[1]) + sep)) return send(403, 'forbidden');
    readFile(file).then(
      (body) => send(200, body, TYPES[extname(file)] ?? 'application/octet-stream'),
      () => send(404, 'not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    // the test's page is still open when afterEach closes the site: drop its keep-alive connections, or close()
    // waits for them (a csp.spec run hung its afterEach until the 2-minute test timeout so)
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
