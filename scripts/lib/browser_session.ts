/**
 * Runs code in real headless Chromium against this repo served by Vite on localhost (WebGPU needs a secure
 * context). Used by the commands that must measure or check the browser path (check:golden --backend webgpu,
 * the benchmarks, train/eval).
 *
 * Every session first copies the pretrained backbone into public/backbone/ (scripts/copy_backbone.mjs, as
 * `npm start` does), so each command works right after `npm ci`. Its Vite server serves the repository and the
 * `serveDirs` it is given (e.g. a dataset's image folders, under /@fs/<absolute path>), and nothing else: the
 * `server.fs.allow` of vite.config.ts (which `npm start` and the browser tests use) is replaced, not extended.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH, assertChromiumInstalled } from './chromium';
import { harnessAllowList, isInside } from './serve_dirs';

export type HarnessBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BrowserSession {
  readonly page: Page;
  readonly baseUrl: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly backend: HarnessBackend;
  readonly verbose?: boolean;
  /** Directories outside the repository the page may fetch from (under /@fs/); relative ones against the cwd. */
  readonly serveDirs?: readonly string[];
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** scripts/copy_backbone.mjs, in a child process: it is idempotent and exits 1 with a message on failure. */
function prepareBackbone(): void {
  try {
    // its stdout goes to stderr: a command's stdout may be JSON
    execFileSync(process.execPath, [`${repoRoot}/scripts/copy_backbone.mjs`], { stdio: ['ignore', 2, 'inherit'] });
  } catch {
    throw new Error('could not copy the pretrained backbone into public/backbone/ (scripts/copy_backbone.mjs, see above)');
  }
}

/** Sets server.fs.allow to exactly `allow`: returning it from `config` would be appended to vite.config.ts's. */
function serveOnly(allow: readonly string[]): Plugin {
  return {
    name: 'frcnn-harness-serve-only',
    config(config) {
      config.server = { ...config.server, fs: { ...config.server?.fs, allow: [...allow] } };
    },
  };
}

export async function openHarness(options: HarnessOptions): Promise<BrowserSession> {
  assertChromiumInstalled();
  prepareBackbone();
  const allow = harnessAllowList(repoRoot, options.serveDirs);
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await createServer({
      root: repoRoot,
      configFile: `${repoRoot}/vite.config.ts`,
      logLevel: 'error',
      // vite.config.ts serves the harness cross-origin isolated: tfjs's wasm backend then runs on every core
      server: { port: 0, strictPort: false, host: '127.0.0.1', hmr: false },
      plugins: [serveOnly(allow)],
    });
    // Vite adds its own client folder when no listed one holds it; anything else would be served unasked
    const extra = server.config.server.fs.allow.filter((dir) => !allow.some((a) => isInside(dir, a)) && !dir.endsWith('/vite/dist/client'));
    if (extra.length > 0) throw new Error(`the harness would serve more than it was given: ${extra.join(', ')}`);
    if (options.verbose) process.stderr.write(`harness serves ${allow.join(', ')}\n`);
    await server.listen();
    const baseUrl = server.resolvedUrls?.local[0]?.replace(/\/$/, '') ?? '';
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS], headless: true });
    const page = await browser.newPage();
    page.on('console', (message) => {
      if (options.verbose || message.type() === 'error') process.stderr.write(`[browser ${message.type()}] ${message.text()}\n`);
    });
    page.on('pageerror', (error) => process.stderr.write(`[browser pageerror] ${error.message}\n`));
    await page.goto(`${baseUrl}/e2e/harness/index.html?backend=${options.backend}`);
    const backend = await page.evaluate(() => window.harness.ready.then((choice) => choice.name));
    if (backend !== options.backend) {
      throw new Error(`The browser could not start the ${options.backend} backend (it got ${backend}).`);
    }
    const openedServer = server;
    const openedBrowser = browser;
    return {
      page,
      baseUrl,
      async close() {
        await openedBrowser.close();
        await openedServer.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await server?.close();
    throw error;
  }
}

/** Opens a session, runs `work`, and always closes the browser and the server. */
export async function withHarness<T>(
  options: HarnessOptions,
  work: (session: BrowserSession) => Promise<T>,
): Promise<T> {
  const session = await openHarness(options);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
