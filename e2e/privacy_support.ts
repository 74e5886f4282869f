/**
 * Helpers of the privacy and security specs: a network guard that lets only localhost through (and records every
 * request both ways), small test images made in the browser, a VOC annotation, and the HTML payload used as a
 * class name or a file name.
 */
import { test, type BrowserContext, type Page } from '@playwright/test';
import { expect, type AnnotatePanel, type Stage, type TestApi, type TrainPanel } from './page_objects';

/** Would run script if any of our code ever parsed it as HTML; window.__pwned stays undefined while it is text. */
export const PAYLOAD = '<img src=x onerror=window.__pwned=1>';

export interface NetworkLog {
  /** Paths of the requests to this machine (127.0.0.1, localhost, ::1). */
  readonly local: string[];
  /** Full URLs of every other request: each one was aborted before it left. */
  readonly offsite: string[];
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Routes every request of the context (pages and their workers) through a check: localhost goes on, anything else
 * is aborted and recorded. data: and blob: URLs never reach the network and are not routed.
 */
export async function guardNetwork(context: BrowserContext): Promise<NetworkLog> {
  const log: NetworkLog = { local: [], offsite: [] };
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (LOCAL_HOSTS.has(url.hostname)) {
      log.local.push(url.pathname);
      await route.fallback();
    } else {
      log.offsite.push(url.href);
      await route.abort('blockedbyclient');
    }
  });
  // WebSockets are not routed by context.route: record their hosts too.
  context.on('page', (page) => page.on('websocket', (socket) => {
    const url = new URL(socket.url());
    if (!LOCAL_HOSTS.has(url.hostname)) log.offsite.push(url.href);
  }));
  return log;
}

/** The guard's self-check: an off-site fetch from the page and one from a worker are both caught (and aborted). */
export const PROBE_URL = 'https://example.invalid/privacy-probe';

export async function probeGuard(page: Page): Promise<void> {
  await page.evaluate(async (url) => {
    await fetch(url).catch(() => undefined);
    const source = `fetch(${JSON.stringify(url)} + '?worker').catch(() => undefined).finally(() => postMessage('done'))`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    await new Promise((resolve) => (worker.onmessage = resolve));
    worker.terminate();
  }, PROBE_URL);
}

export interface TinyImage {
  readonly name: string;
  readonly mimeType: string;
  readonly buffer: Buffer;
}

/** A small PNG (a pink field with a dark disc), drawn by the page's canvas: no image file needed on disk. */
export async function tinyPng(page: Page, name: string, width = 160, height = 120): Promise<TinyImage> {
  const base64 = await page.evaluate(async ([w, h]) => {
    const canvas = new OffscreenCanvas(w, h);
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#e8c8d0';
    g.fillRect(0, 0, w, h);
    g.fillStyle = '#7a2050';
    g.beginPath();
    g.arc(w / 2, h / 2, Math.min(w, h) / 4, 0, 2 * Math.PI);
    g.fill();
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  }, [width, height] as const);
  return { name, mimeType: 'image/png', buffer: Buffer.from(base64, 'base64') };
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A PASCAL VOC annotation of `image` with one box per (class, box) pair; 1-based pixel corners as VOC has them. */
export function vocXml(image: string, width: number, height: number, objects: readonly { name: string; box: readonly [number, number, number, number] }[]): TinyImage {
  const xml = `<annotation><filename>${escapeXml(image)}</filename><size><width>${width}</width><height>${height}</height><depth>3</depth></size>
${objects.map((o) => `<object><name>${escapeXml(o.name)}</name><difficult>0</difficult><bndbox><xmin>${o.box[0]}</xmin><ymin>${o.box[1]}</ymin><xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax></bndbox></object>`).join('\n')}
</annotation>`;
  return { name: image.replace(/\.[^.]+$/, '.xml'), mimeType: 'text/xml', buffer: Buffer.from(xml) };
}

/**
 * What the privacy and CSP specs watch the app do: detect a dropped image (selective-search workers, wasm), then
 * import it with one box and fine-tune two iterations (the training worker, wasm inside it).
 */
export async function detectThenFineTune(
  { api, stage, annotatePanel, trainPanel }: { api: TestApi; stage: Stage; annotatePanel: AnnotatePanel; trainPanel: TrainPanel },
  image: TinyImage, options: { trainScale?: string } = {},
): Promise<void> {
  await test.step('a detection of a dropped image', async () => {
    await stage.dropFiles([image]);
    await expect.poll(async () => (await api.detect()).run, { timeout: 90_000 }).toBe('done');
  });
  await test.step('two fine-tuning iterations in the training worker', async () => {
    await annotatePanel.open();
    await annotatePanel.importInput.setInputFiles([image, vocXml('disc.png', 160, 120, [{ name: 'WBC', box: [41, 21, 120, 100] }])]);
    await expect.poll(async () => (await api.annotate()).images.length).toBe(1);
    await trainPanel.open();
    await trainPanel.iterations.fill('2');
    await trainPanel.iterations.dispatchEvent('change');
    if (options.trainScale) await trainPanel.scale.selectOption(options.trainScale);
    await trainPanel.start.click();
    await expect.poll(async () => (await api.train()).phase, { timeout: 120_000 }).toBe('done');
  });
}
