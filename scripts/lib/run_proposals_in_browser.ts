/**
 * Runs the page's proposal path (src/proposals/proposal_client.ts: Web Workers) on image files in headless
 * Chromium and times it. The image bytes are served to the page by request interception, so any dataset folder
 * works, and decoded there (createImageBitmap, EXIF orientation applied as OpenCV's imread does). The timer
 * covers computeProposals only: from handing the RGBA pixels over to having the ranked boxes back on the page,
 * which includes the worker round trips and the final merge; decoding is not timed. Beside that wall time it
 * records the CPU time the renderer process (page and workers, all threads) spent in the same span, read from
 * Chromium's SystemInfo.getProcessInfo: on a machine shared with other jobs, wall time grows with the load
 * while CPU time does not.
 *
 * With `model` (a saved model) the page runs on wasm and each image goes through the detection pipeline instead
 * (rpn_proposals_page.ts), with the model's RPN ('rpn') or selective search: the time per image is the pipeline's own
 * stage timers, image to tensor + backbone + the proposals (decoding not timed, the RoI head after it not counted),
 * and `proposalSeconds` the proposals alone; no CPU time is read (the span is inside one call).
 */
import { readFile } from 'node:fs/promises';
import type { CDPSession, Page } from '@playwright/test';
import { withHarness } from './browser_session';
import type * as ProposalClient from '../../src/proposals/proposal_client';
import type { ProposalMode } from '../../src/proposals/proposal_client';
import type * as RpnPage from './rpn_proposals_page';

export interface ImageProposals {
  readonly width: number;
  readonly height: number;
  readonly seconds: number;
  /** CPU seconds of the renderer process (main thread + workers) in the same span; null for the RPN. */
  readonly cpuSeconds: number | null;
  /** The proposals alone (with `model` only; the RPN's after the backbone). */
  readonly proposalSeconds?: number;
  /** With `model`: its detections on those proposals (1-based classId, original-image pixels). */
  readonly detections?: readonly Detected[];
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
  /** A saved model: proposals (its RPN's, or `mode`'s selective search) and detections through the detection pipeline. */
  readonly model?: PipelineModel;
  readonly onImage?: (index: number, result: ImageProposals) => void;
}

export interface Detected {
  readonly box: readonly number[];
  readonly score: number;
  readonly classId: number;
}

export interface PipelineModel {
  readonly proposalMode: 'rpn' | 'fast' | 'quality';
  readonly modelJson: string;
  readonly weightsBase64: string;
  /** At most this many proposals (default: 'rpn' the model's test setting, 300; selective search 2000). */
  readonly maxProposals?: number;
  /** The model's classes (the detections' 1-based classId). */
  readonly classNames: readonly string[];
}

const ROUTE = '/__proposals_eval/';

export async function runProposalsInBrowser(imagePaths: readonly string[], options: BrowserRunOptions): Promise<ImageProposals[]> {
  // selective search is plain JavaScript in workers; the RPN runs where the goal measures it, on wasm
  return withHarness({ backend: options.model ? 'wasm' : 'cpu' }, async ({ page, baseUrl }) => {
    await page.route(`${baseUrl}${ROUTE}**`, async (route) => {
      const index = Number(new URL(route.request().url()).pathname.slice(ROUTE.length));
      route.fulfill({ body: await readFile(imagePaths[index]), contentType: 'application/octet-stream' });
    });
    if (options.model) return pipelineProposalsInPage(page, imagePaths.length, options, options.model);
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

async function pipelineProposalsInPage(page: Page, count: number, options: BrowserRunOptions, model: PipelineModel): Promise<ImageProposals[]> {
  const PIPELINE_PAGE = '/scripts/lib/rpn_proposals_page.ts';
  await page.evaluate(async ({ path, modelJson, weightsBase64 }) => {
    const mod = (await window.harness.load(path)) as unknown as typeof RpnPage;
    await mod.loadPipelineModel(modelJson, weightsBase64);
  }, { path: PIPELINE_PAGE, modelJson: model.modelJson, weightsBase64: model.weightsBase64 });
  const one = (index: number) => page.evaluate(async ({ path, url, keep, proposalMode, maxProposals }) => {
    const mod = (await window.harness.load(path)) as unknown as typeof RpnPage;
    return mod.pipelineProposalsOf(url, keep, proposalMode, maxProposals);
  }, { path: PIPELINE_PAGE, url: `${ROUTE}${index}`, keep: Math.min(options.keep, 1e6), proposalMode: model.proposalMode, maxProposals: model.maxProposals });
  // warm-up (not counted), as for selective search: the first image once more
  if (count > 0) await one(0);
  const results: ImageProposals[] = [];
  for (let i = 0; i < count; i++) {
    const raw = await one(i);
    const result: ImageProposals = {
      width: raw.width, height: raw.height, count: raw.count, boxes: Float32Array.from(raw.boxes),
      seconds: (raw.networkMs + raw.proposalMs) / 1000, proposalSeconds: raw.proposalMs / 1000, cpuSeconds: null, detections: raw.detections,
    };
    results.push(result);
    options.onImage?.(i, result);
  }
  return results;
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
