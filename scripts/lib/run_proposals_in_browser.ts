/**
 * Runs the page's proposal path (src/proposals/proposal_client.ts: Web Workers) on image files in headless
 * Chromium and times it. The image bytes are served to the page by request interception, so any dataset folder
 * works, and decoded there (createImageBitmap, EXIF orientation applied as OpenCV's imread does). The timer
 * covers computeProposals only: from handing the RGBA pixels over to having the ranked boxes back on the page,
 * which includes the worker round trips and the final merge; decoding is not timed. Beside that wall time it
 * records the CPU time the renderer process (page and workers, all threads) spent in the same span, read from
 * Chromium's SystemInfo.getProcessInfo: on a machine shared with other jobs, wall time grows with the load
 * while CPU time does not.
 */
import { readFile } from 'node:fs/promises';
import type { CDPSession, Page } from '@playwright/test';
import { withHarness } from './browser_session';
import type * as ProposalClient from '../../src/proposals/proposal_client';
import type { ProposalMode } from '../../src/proposals/proposal_client';

export interface ImageProposals {
  readonly width: number;
  readonly height: number;
  readonly seconds: number;
  /** CPU seconds of the renderer process (main thread + workers) in the same span. */
  readonly cpuSeconds: number;
  /** All proposals produced. */
  readonly count: number;
  /** The first `keep` proposals, packed [x1,y1,x2,y2]. */
  readonly boxes: Float32Array;
}

export interface BrowserRunOptions {
  readonly mode: ProposalMode;
  /** How many top proposals come back to Node. */
  readonly keep: number;
  readonly workers?: number;
  readonly onImage?: (index: number, result: ImageProposals) => void;
}

const ROUTE = '/__proposals_eval/';

export async function runProposalsInBrowser(imagePaths: readonly string[], options: BrowserRunOptions): Promise<ImageProposals[]> {
  return withHarness({ backend: 'cpu' }, async ({ page, baseUrl }) => {
    await page.route(`${baseUrl}${ROUTE}**`, async (route) => {
      const index = Number(new URL(route.request().url()).pathname.slice(ROUTE.length));
      route.fulfill({ body: await readFile(imagePaths[index]), contentType: 'application/octet-stream' });
    });
    await page.evaluate(() => window.harness.load('/src/proposals/proposal_client.ts'));
    const browser = page.context().browser();
    if (!browser) throw new Error('no browser behind the page');
    const cdp = await browser.newBrowserCDPSession();
    // Warm-up (not counted): starts the workers and lets the JIT compile the hot loops, as in a page in use.
    if (imagePaths.length > 0) await proposeOne(page, cdp, `${ROUTE}0`, options);
    const results: ImageProposals[] = [];
    for (let i = 0; i < imagePaths.length; i++) {
      const result = await proposeOne(page, cdp, `${ROUTE}${i}`, options);
      results.push(result);
      options.onImage?.(i, result);
    }
    return results;
  });
}

interface Harnessed {
  proposalImage?: ImageData;
}

async function proposeOne(page: Page, cdp: CDPSession, url: string, options: BrowserRunOptions): Promise<ImageProposals> {
  await page.evaluate(async (url) => {
    const blob = await (await fetch(url)).blob();
    const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('no 2d context');
    context.drawImage(bitmap, 0, 0);
    (window as Harnessed).proposalImage = context.getImageData(0, 0, bitmap.width, bitmap.height);
  }, url);
  const cpuBefore = await rendererCpuSeconds(cdp);
  const raw = await page.evaluate(
    async ({ mode, keep, workers }) => {
      const client = (await window.harness.load('/src/proposals/proposal_client.ts')) as unknown as typeof ProposalClient;
      const image = (window as Harnessed).proposalImage;
      if (!image) throw new Error('no decoded image');
      const started = performance.now();
      const boxes = await client.computeProposalsPacked(image, { mode, workers });
      const seconds = (performance.now() - started) / 1000;
      return { width: image.width, height: image.height, seconds, count: boxes.length / 4, boxes: Array.from(boxes.subarray(0, 4 * keep)) };
    },
    { mode: options.mode, keep: options.keep, workers: options.workers },
  );
  const cpuSeconds = (await rendererCpuSeconds(cdp)) - cpuBefore;
  return { ...raw, cpuSeconds, boxes: Float32Array.from(raw.boxes) };
}

/** Cumulative CPU seconds of all renderer processes. */
async function rendererCpuSeconds(cdp: CDPSession): Promise<number> {
  const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; cpuTime: number }[] };
  return info.processInfo.filter((p) => p.type === 'renderer').reduce((sum, p) => sum + p.cpuTime, 0);
}
