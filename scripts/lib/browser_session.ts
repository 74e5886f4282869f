/**
 * Runs code in real headless Chromium against this repo served by Vite on localhost (WebGPU needs a secure
 * context). Used by the commands that must measure or check the browser path (check:golden --backend webgpu,
 * the benchmarks, train/eval).
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH, assertChromiumInstalled } from './chromium';

export type HarnessBackend = 'webgpu' | 'webgl' | 'cpu';

export interface BrowserSession {
  readonly page: Page;
  readonly baseUrl: string;
  close(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export async function openHarness(options: { backend: HarnessBackend; verbose?: boolean }): Promise<BrowserSession> {
  assertChromiumInstalled();
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await createServer({
      root: repoRoot,
      configFile: `${repoRoot}/vite.config.ts`,
      logLevel: 'error',
      // vite.config.ts serves the harness cross-origin isolated: tfjs's wasm backend then runs on every core
      server: { port: 0, strictPort: false, host: '127.0.0.1', hmr: false },
    });
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
  options: { backend: HarnessBackend; verbose?: boolean },
  work: (session: BrowserSession) => Promise<T>,
): Promise<T> {
  const session = await openHarness(options);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
