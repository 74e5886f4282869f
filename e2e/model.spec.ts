import { test, type Browser, type Download, type Page } from '@playwright/test';
import { expect } from './page_objects';
import { readFile } from 'node:fs/promises';
import type * as DefaultsModule from '../src/model/defaults';
import type * as DetectorModule from '../src/model/detector';
import type * as WeightsIoModule from '../src/model/weights_io';

// A BCCD test image (640x480), copied into public/samples/ by `npm run prepare-assets`.
const IMAGE_URL = '/samples/BloodImage_00007.jpg';
const BACKENDS = ['webgpu', 'webgl', 'cpu'] as const;

/** Loads the model modules in the page and builds a detector with untrained heads, kept on `window.frcnn`. */
async function openDetector(page: Page, backend: string): Promise<void> {
  // Other work in the tree edits files while this runs; Vite's HMR socket would then reload the page mid-test.
  // A routed socket that never talks keeps the page as loaded.
  await page.routeWebSocket(/.*/, () => {});
  await page.goto(`/e2e/harness/index.html?backend=${backend}`);
  await page.evaluate(async (imageUrl) => {
    const { ready, load } = window.harness;
    const choice = await ready;
    const detectorModule = await load('/src/model/detector.ts');
    const defaults = await load('/src/model/defaults.ts');
    const weightsIo = await load('/src/model/weights_io.ts');
    const { FastRcnnDetector } = detectorModule as typeof DetectorModule;
    const { makeDetectorConfig } = defaults as typeof DefaultsModule;
    // the default network at a small scale (the 640 x 480 image at 128 x 96): WebGPU on SwiftShader takes ~35 s to
    // compile its shaders, then ~0.1 s per 1,000 input pixels through the backbone (at 192 x 144 the file took 51-56 s
    // under load 5, at 128 x 96 40-47 s)
    const config = makeDetectorConfig(['rbc', 'wbc', 'platelets'], { input: { scales: [96], maxSize: 128 } });
    const detector = await FastRcnnDetector.create(config, { seed: 3 });
    const image = await createImageBitmap(await (await fetch(imageUrl)).blob());
    const proposals: [number, number, number, number][] = [];
    for (let i = 0; i < 60; i++) {
      const x = (i * 37) % 560;
      const y = (i * 53) % 400;
      proposals.push([x, y, x + 30 + (i % 5) * 20, y + 30 + (i % 7) * 10]);
    }
    Object.assign(window, { frcnn: { detector, image, proposals, weightsIo, backend: choice.name } });
  }, IMAGE_URL);
}

/**
 * The WebGL detection test's page, detector ready and shaders compiled, handed on to the save/load test once that test
 * passed (a new page would load the model modules and compile every WebGL program again: seconds on SwiftShader).
 * Run alone, the save/load test opens its own. Pages opened here are closed after the file's tests.
 */
let webglPage: Page | undefined;
const opened: Page[] = [];

async function openWebglDetector(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  opened.push(page);
  await openDetector(page, 'webgl');
  return page;
}

test.afterAll(async () => {
  await Promise.all(opened.splice(0).map((page) => page.close()));
  webglPage = undefined;
});

test.describe('when a detector with untrained heads runs in the browser', () => {
  for (const backend of BACKENDS) {
    test(`it detects end to end on ${backend}, without leaks or GPU errors`, async ({ page: ownPage, browser }) => {
      let page = ownPage;
      if (backend === 'webgl') page = await openWebglDetector(browser);
      else await openDetector(page, backend);
      const result = await page.evaluate(async () => {
        const { tf, gpuErrors } = window.harness;
        const { detector, image, proposals } = (window as unknown as { frcnn: Frcnn }).frcnn;
        const first = await detector.detect(image, proposals, { scoreThreshold: 0 });
        const before = tf.memory().numTensors;
        await detector.detect(image, proposals);
        return {
          backend: first.backend,
          size: [first.imageWidth, first.imageHeight],
          proposals: first.proposals.length,
          candidates: first.candidatesPerClass.map((c) => c.candidates.length),
          detections: first.detections.length,
          detectionsValid: first.detections.every(
            (d) =>
              d.box[0] >= 0 && d.box[2] <= 640 && d.box[3] <= 480 && d.boxBeforeRegression.join() === first.proposals[d.proposalIndex].join(),
          ),
          times: first.timesMs,
          leaked: tf.memory().numTensors - before,
          gpuErrors: [...gpuErrors],
        };
      });
      expect(result.backend).toBe(backend);
      expect(result.size).toEqual([640, 480]);
      expect(result.proposals).toBe(60);
      expect(result.candidates).toEqual([60, 60, 60]); // softmax ≈ 1/4 everywhere, above 0.05
      expect(result.detections).toBeGreaterThan(0);
      expect(result.detections).toBeLessThanOrEqual(60 * 3);
      expect(result.detectionsValid).toBe(true);
      expect(result.times.total).toBeGreaterThan(0);
      expect(result.leaked).toBe(0);
      expect(result.gpuErrors).toEqual([]);
      if (backend === 'webgl') webglPage = page;
    });
  }
});

test.describe('when a detector is saved and loaded', () => {
  test('the IndexedDB and the download/upload round trips reproduce its detections exactly', async ({ browser }) => {
    const page = webglPage ?? (await openWebglDetector(browser));
    const viaIndexedDb = await page.evaluate(async () => {
      const { detector, image, proposals, weightsIo } = (window as unknown as { frcnn: Frcnn }).frcnn;
      const strip = (r: { timesMs?: unknown }) => JSON.stringify({ ...r, timesMs: null });
      const before = strip(await detector.detect(image, proposals));
      await weightsIo.saveDetector(detector, 'indexeddb://e2e-detector');
      const stored = await weightsIo.listStoredDetectors();
      const loaded = await weightsIo.loadDetector('indexeddb://e2e-detector');
      const after = strip(await loaded.detect(image, proposals));
      loaded.dispose();
      return { same: before === after, stored, reference: before };
    });
    expect(viaIndexedDb.stored).toContain('e2e-detector');
    expect(viaIndexedDb.same).toBe(true);

    const downloads: Promise<Download>[] = [];
    page.on('download', (d) => downloads.push(Promise.resolve(d)));
    await page.evaluate(async () => {
      const { detector, weightsIo } = (window as unknown as { frcnn: Frcnn }).frcnn;
      await weightsIo.saveDetector(detector, 'downloads://e2e-detector');
    });
    await expect.poll(() => downloads.length).toBe(2);
    const files = await Promise.all(
      downloads.map(async (pending) => {
        const download = await pending;
        return { name: download.suggestedFilename(), base64: (await readFile(await download.path())).toString('base64') };
      }),
    );
    expect(files.map((f) => f.name).sort()).toEqual(['e2e-detector.json', 'e2e-detector.weights.bin']);
    const viaFiles = await page.evaluate(async (uploaded) => {
      const { image, proposals, weightsIo } = (window as unknown as { frcnn: Frcnn }).frcnn;
      const asFiles = uploaded.map((f) => new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
      const loaded = await weightsIo.loadDetector(asFiles);
      const after = JSON.stringify({ ...(await loaded.detect(image, proposals)), timesMs: null });
      loaded.dispose();
      return after;
    }, files);
    expect(viaFiles).toBe(viaIndexedDb.reference);
  });
});

type Frcnn = {
  detector: DetectorModule.FastRcnnDetector;
  image: ImageBitmap;
  proposals: [number, number, number, number][];
  weightsIo: typeof WeightsIoModule;
  backend: string;
};
