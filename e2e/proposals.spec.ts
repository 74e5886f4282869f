import { test, expect, type Page } from '@playwright/test';

// Object proposals in the browser: selective search runs in Web Workers, reports progress, can be cancelled,
// and leaves the page free to paint. Images are painted in the page (src/proposals/test_support).

async function openHarness(page: Page) {
  await page.goto('/e2e/harness/index.html?backend=cpu');
  await page.evaluate(() => window.harness.ready);
}

test.describe('when proposals are computed in the page', () => {
  test('selective search runs in workers, reports progress and keeps the page responsive', async ({ page }) => {
    await openHarness(page);
    const result = await page.evaluate(async () => {
      const client = await window.harness.load('/src/proposals/proposal_client.ts');
      const paint = await window.harness.load('/src/proposals/test_support/synthetic_image.ts');
      const computeProposals = client.computeProposals as (i: unknown, o: unknown) => Promise<number[][]>;
      const paintImage = paint.paintImage as (...a: unknown[]) => unknown;
      const image = paintImage(480, 360, [200, 200, 190], [{ box: [40, 50, 200, 220], rgb: [180, 40, 40] }, { box: [260, 30, 440, 150], rgb: [40, 120, 60] }], 25);
      // Watch the main thread while the workers run: a timer every 10 ms and animation frames.
      let frames = 0;
      let maxGap = 0;
      let last = performance.now();
      let running = true;
      const timer = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
      }, 10);
      const onFrame = () => {
        frames++;
        if (running) requestAnimationFrame(onFrame);
      };
      requestAnimationFrame(onFrame);
      const progress: number[] = [];
      const started = performance.now();
      const boxes = await computeProposals(image, { mode: 'fast', onProgress: (p: { fraction: number }) => progress.push(p.fraction) });
      const seconds = (performance.now() - started) / 1000;
      running = false;
      clearInterval(timer);
      return { count: boxes.length, first: boxes[0], hasWhole: boxes.some((b) => b.join() === '0,0,480,360'), progress, frames, maxGap, seconds };
    });
    await test.step('it returns ranked boxes, the whole image among them', () => {
      expect(result.count).toBeGreaterThan(100);
      expect(result.first).toHaveLength(4);
      expect(result.hasWhole).toBe(true);
    });
    await test.step('progress rises to 1', () => {
      expect(result.progress.length).toBeGreaterThan(3);
      expect([...result.progress].sort((a, b) => a - b)).toEqual(result.progress);
      expect(result.progress.at(-1)).toBe(1);
    });
    await test.step('the main thread keeps ticking during the run', () => {
      expect(result.frames).toBeGreaterThan(3);
      // No long task: the timer never waits much longer than a frame (generous for a loaded CI machine).
      expect(result.maxGap).toBeLessThan(400);
    });
  });

  test('the workers give the same ranked boxes as the single-thread algorithm, however many there are', async ({ page }) => {
    await openHarness(page);
    const same = await page.evaluate(async () => {
      const client = await window.harness.load('/src/proposals/proposal_client.ts');
      const search = await window.harness.load('/src/proposals/selective_search.ts');
      const paint = await window.harness.load('/src/proposals/test_support/synthetic_image.ts');
      const image = (paint.paintImage as (...a: unknown[]) => unknown)(120, 90, [220, 220, 220], [{ box: [10, 10, 60, 50], rgb: [30, 30, 200] }], 10);
      const compute = client.computeProposalsPacked as (i: unknown, o: unknown) => Promise<Float32Array>;
      // Two calls at once (they take turns) with different worker counts.
      const [inWorkers, inOne] = await Promise.all([compute(image, { mode: 'quality', workers: 2 }), compute(image, { mode: 'quality', workers: 1 })]);
      const here = (search.selectiveSearch as (i: unknown, o: unknown) => Float32Array)(image, { mode: 'quality' });
      const equal = (a: Float32Array) => a.length === here.length && a.every((v, i) => v === here[i]);
      return here.length > 0 && equal(inWorkers) && equal(inOne);
    });
    expect(same).toBe(true);
  });

  test('aborting cancels the run promptly, and the next run works', async ({ page }) => {
    await openHarness(page);
    const outcome = await page.evaluate(async () => {
      const client = await window.harness.load('/src/proposals/proposal_client.ts');
      const paint = await window.harness.load('/src/proposals/test_support/synthetic_image.ts');
      const computeProposals = client.computeProposals as (i: unknown, o: unknown) => Promise<unknown[]>;
      const image = (paint.paintImage as (...a: unknown[]) => unknown)(640, 480, [128, 128, 128], [], 40);
      const controller = new AbortController();
      let abortedAt = 0;
      const run = computeProposals(image, {
        mode: 'quality',
        signal: controller.signal,
        onProgress: () => {
          if (!abortedAt) {
            abortedAt = performance.now();
            controller.abort();
          }
        },
      });
      const error = await run.then(() => undefined, (e: Error) => e);
      const rejectedAfterMs = performance.now() - abortedAt;
      const small = (paint.paintImage as (...a: unknown[]) => unknown)(64, 48, [10, 10, 10], [{ box: [8, 8, 30, 30], rgb: [250, 250, 250] }]);
      const next = await computeProposals(small, { mode: 'fast' });
      let alreadyAborted = '';
      await computeProposals(small, { signal: AbortSignal.abort() }).catch((e: Error) => (alreadyAborted = e.name));
      return { name: error?.name, rejectedAfterMs, nextCount: next.length, alreadyAborted };
    });
    expect(outcome.name).toBe('AbortError');
    expect(outcome.rejectedAfterMs).toBeLessThan(200);
    expect(outcome.nextCount).toBeGreaterThan(0);
    expect(outcome.alreadyAborted).toBe('AbortError');
  });

  test('dense mode gives about 45,000 boxes', async ({ page }) => {
    await openHarness(page);
    const count = await page.evaluate(async () => {
      const client = await window.harness.load('/src/proposals/proposal_client.ts');
      const image = { width: 500, height: 375, data: new Uint8ClampedArray(500 * 375 * 4) };
      return (await (client.computeProposalsPacked as (i: unknown, o: unknown) => Promise<Float32Array>)(image, { mode: 'dense' })).length / 4;
    });
    expect(count).toBeGreaterThan(44_000);
    expect(count).toBeLessThan(46_000);
  });
});
