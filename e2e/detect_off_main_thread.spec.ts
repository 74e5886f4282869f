/**
 * Issue 17, item 2: detection runs in the library's detection worker, so the page never blocks during a detection,
 * and Cancel works in the network stage. Measured in the page: the longest gap between animation frames and the
 * longest long-animation-frame (PerformanceObserver) while one detection runs, on wasm (`?backend=wasm`), in the app
 * (a sample through the Detect tab) and in the widget (embed.html). With the old main-thread path (`worker: false`)
 * these pages freeze for seconds during the network stage, and the cancel test's abort cannot even fire until the
 * network is done. Also: save() writes the worker's weights from the page, and they load back in the worker.
 */
import type { Page } from '@playwright/test';
import type * as Api from '../src/api/create_detector';
import type * as WorkerDetector from '../src/api/worker_detector';
import { expect, test } from './page_objects';

/** The budget of the issue: no main-thread block over 50 ms during a detection. */
const MAX_BLOCK_MS = 50;
/** A freeze: the old main-thread path stops frames for seconds. */
const MAX_FRAME_GAP_MS = 500;
const SAMPLE = 'BloodImage_00007.jpg';

interface Blocking {
  /** Longest script the page ran inside a long animation frame, ms (PerformanceObserver 'long-animation-frame'). */
  readonly maxScriptMs: number;
  /** What that script was (invoker and source). */
  readonly maxScript: string;
  /** Longest long-animation-frame's blocking duration, ms (0: none reported). */
  readonly maxLongFrameBlockMs: number;
  /** Longest gap between two animation frames, ms. */
  readonly maxFrameGapMs: number;
  readonly frames: number;
}

/** Starts recording frame gaps and long animation frames in the page (window.__blocking). */
async function startRecording(page: Page): Promise<void> {
  await page.evaluate(() => {
    const state = { maxGap: 0, maxBlock: 0, maxScript: 0, script: '', frames: 0, last: 0, on: true };
    Object.assign(window, { __blocking: state });
    const tick = (now: number) => {
      if (!state.on) return;
      if (state.last > 0) state.maxGap = Math.max(state.maxGap, now - state.last);
      state.last = now;
      state.frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    type Script = { duration: number; invoker: string; sourceURL: string; sourceFunctionName: string };
    new PerformanceObserver((list) => {
      if (!state.on) return;
      for (const entry of list.getEntries() as unknown as { blockingDuration: number; scripts: Script[] }[]) {
        state.maxBlock = Math.max(state.maxBlock, entry.blockingDuration);
        for (const script of entry.scripts) {
          if (script.duration <= state.maxScript) continue;
          state.maxScript = script.duration;
          state.script = `${script.invoker} (${script.sourceURL.split('/').pop()} ${script.sourceFunctionName})`;
        }
      }
    }).observe({ type: 'long-animation-frame', buffered: false });
  });
}

async function stopRecording(page: Page): Promise<Blocking> {
  return page.evaluate(async () => {
    // two more frames, so a block that ends the detection is counted
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50)); // observers report after the frame
    const state = (window as unknown as { __blocking: { maxGap: number; maxBlock: number; maxScript: number; script: string; frames: number; on: boolean } }).__blocking;
    state.on = false;
    return { maxScriptMs: state.maxScript, maxScript: state.script, maxLongFrameBlockMs: state.maxBlock, maxFrameGapMs: state.maxGap, frames: state.frames };
  });
}

/**
 * The page's own work (its longest script) stays under the 50 ms; frame gaps are bounded loosely, as they also
 * count the page waiting for a core on this loaded 2-core machine (gaps and long frames of 100-250 ms with no script
 * running were seen beside other test runs). The old main-thread path fails both by seconds.
 */
function expectNoBlock(blocking: Blocking, what: string): void {
  test.info().annotations.push({
    type: what,
    description: `longest script ${blocking.maxScriptMs.toFixed(0)} ms (${blocking.maxScript || 'none over 5 ms'}), longest frame gap ${blocking.maxFrameGapMs.toFixed(0)} ms, longest LoAF blocking ${blocking.maxLongFrameBlockMs.toFixed(0)} ms, ${blocking.frames} frames`,
  });
  expect(blocking.frames).toBeGreaterThan(10);
  expect(blocking.maxScriptMs, `${what}: longest script on the main thread (${blocking.maxScript})`).toBeLessThanOrEqual(MAX_BLOCK_MS);
  expect(blocking.maxFrameGapMs, `${what}: longest gap between animation frames`).toBeLessThanOrEqual(MAX_FRAME_GAP_MS);
}

test.describe('when the app detects objects on wasm', () => {
  test('the page never blocks for more than 50 ms during the detection', async ({ page, detectPanel, api }) => {
    test.setTimeout(120_000);
    await page.routeWebSocket(/.*/, () => {}); // no HMR reload while other files change
    await page.goto('/?backend=wasm');
    await api.ready();
    await expect.poll(async () => (await api.models()).state, { timeout: 60_000 }).toBe('ready');
    // a first detection warms the worker (weights on the backend, kernels compiled); the measured one is the second
    await detectPanel.sample(SAMPLE).click();
    await expect.poll(async () => (await api.detect()).run, { timeout: 90_000 }).toBe('done');
    await page.waitForTimeout(500);
    await startRecording(page);
    await detectPanel.sample('BloodImage_00011.jpg').click();
    await expect.poll(async () => (await api.detect()).run, { timeout: 90_000, intervals: [100] }).toBe('running');
    await expect.poll(async () => (await api.detect()).run, { timeout: 90_000 }).toBe('done');
    const blocking = await stopRecording(page);
    expect((await api.detect()).detectionKeys.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.dataset.backend)).toBe('wasm');
    expectNoBlock(blocking, 'app');
  });
});

test.describe('when the widget detects objects on wasm', () => {
  test('the host page never blocks for more than 50 ms during the detection', async ({ page }) => {
    test.setTimeout(120_000);
    await page.routeWebSocket(/.*/, () => {});
    await page.goto('/embed.html');
    await page.waitForFunction(() => customElements.get('frcnn-detector') !== undefined);
    const detect = (sample: string) => page.evaluate(async (sample) => {
      const widget = document.getElementById('detector-a') as HTMLElementTagNameMap['frcnn-detector'];
      const done = new Promise<{ count: number; backend: string }>((resolve, reject) => {
        widget.addEventListener('detections', (e) => resolve({ count: e.detail.objects.length, backend: e.detail.result.backend }), { once: true });
        widget.addEventListener('error', (e) => reject(new Error(e.detail.message)), { once: true });
      });
      widget.src = sample;
      return done;
    }, sample);
    // the worker's backend is chosen once, by the first detector (the widgets load their model as the page opens, so
    // theirs: on this machine's software-only GPU the automatic choice is wasm); asking for wasm here changes nothing
    // then, and makes the intent plain where a widget has not loaded yet
    await page.evaluate(async () => {
      const path = '/src/api/worker_detector.ts';
      const { ensureWorkerBackend } = (await import(/* @vite-ignore */ path)) as typeof WorkerDetector;
      await ensureWorkerBackend('wasm');
    });
    expect((await detect('samples/BloodImage_00007.jpg')).backend).toBe('wasm');
    await startRecording(page);
    const found = await detect('samples/BloodImage_00011.jpg');
    const blocking = await stopRecording(page);
    expect(found.backend).toBe('wasm');
    expectNoBlock(blocking, 'widget');
  });
});

test.describe('when a detection is cancelled in the network stage', () => {
  test('detect() rejects with an AbortError at once, and the next detection runs', async ({ page }) => {
    test.setTimeout(120_000);
    await page.routeWebSocket(/.*/, () => {});
    await page.goto('/e2e/harness/index.html?backend=cpu');
    const outcome = await page.evaluate(async () => {
      await window.harness.ready;
      const { createDetector } = (await window.harness.load('/src/api/create_detector.ts')) as typeof Api;
      const detector = await createDetector({ model: '/models/bccd/model.json', backend: 'wasm' });
      const sample = '/samples/BloodImage_00007.jpg';
      // warm (weights on the backend, code compiled), and how long the network stage lasts here
      let warmNetworkAt = 0;
      await detector.detect(sample, { onProgress: (p) => p.stage === 'network' && p.fraction === null && (warmNetworkAt ||= performance.now()) });
      const networkMs = performance.now() - warmNetworkAt;
      // a quarter into the network stage (on the old main-thread path this timer cannot fire until the network is done)
      const delay = Math.min(200, networkMs / 4);
      const controller = new AbortController();
      let abortedAt = 0;
      let networkAt = 0;
      const outcome = await detector.detect(sample, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage !== 'network' || networkAt > 0) return;
          networkAt = performance.now();
          setTimeout(() => {
            abortedAt = performance.now();
            controller.abort();
          }, delay);
        },
      }).then(() => 'resolved', (error: unknown) => (error instanceof DOMException ? error.name : String(error)));
      const rejectedAfterMs = performance.now() - abortedAt;
      const next = await detector.detect(sample);
      detector.dispose();
      return {
        outcome, rejectedAfterMs, sinceNetworkMs: abortedAt - networkAt, networkMs, backend: detector.backend, next: next.proposals.length,
        choice: { name: detector.backendChoice.name, reason: detector.backendChoice.reason }, pageTensors: window.harness.tf.memory().numTensors,
      };
    });
    test.info().annotations.push({ type: 'cancel', description: `rejected ${outcome.rejectedAfterMs.toFixed(1)} ms after abort(), which came ${outcome.sinceNetworkMs.toFixed(0)} ms into the network stage (${outcome.networkMs.toFixed(0)} ms in the warm run)` });
    expect(outcome.outcome).toBe('AbortError');
    expect(outcome.sinceNetworkMs).toBeLessThan(outcome.networkMs); // the abort did come during the network stage
    expect(outcome.rejectedAfterMs).toBeLessThan(50);
    expect(outcome.backend).toBe('wasm');
    expect(outcome.choice.name).toBe('wasm'); // the worker's choice, as plain data on the page
    expect(outcome.choice.reason.length).toBeGreaterThan(0);
    expect(outcome.next).toBeGreaterThan(0);
    expect(outcome.pageTensors).toBe(0); // the detector's tensors are the worker's
  });
});

test.describe('when a detector in the worker is saved', () => {
  test('save() writes the worker\'s weights from the page, and a detector loads them back in the worker', async ({ page }) => {
    test.setTimeout(120_000);
    await page.routeWebSocket(/.*/, () => {});
    await page.goto('/e2e/harness/index.html?backend=cpu');
    const outcome = await page.evaluate(async () => {
      await window.harness.ready;
      const { tf } = window.harness;
      const { createDetector } = (await window.harness.load('/src/api/create_detector.ts')) as typeof Api;
      const sample = '/samples/BloodImage_00007.jpg';
      const fast = { maxProposals: 200, inputScale: 320 } as const;
      const detector = await createDetector({ model: '/models/bccd/model.json', backend: 'wasm' });
      const before = await detector.detect(sample, fast);
      await detector.save('indexeddb://worker-save'); // a download (downloads://) goes the same way: tf.io in the page
      const stored = Object.keys(await tf.io.listModels());
      const reloaded = await createDetector({ model: 'indexeddb://worker-save', backend: 'wasm' }); // read in the worker
      const after = await reloaded.detect(sample, fast);
      detector.dispose();
      reloaded.dispose();
      await tf.io.removeModel('indexeddb://worker-save');
      const plain = (r: typeof before) => r.objects.map((o) => [o.label, o.score.toFixed(5)].join(' '));
      return { stored, before: plain(before), after: plain(after), source: reloaded.source };
    });
    expect(outcome.stored).toContain('indexeddb://worker-save');
    expect(outcome.source).toBe('indexeddb://worker-save');
    expect(outcome.before.length).toBeGreaterThan(0);
    expect(outcome.after).toEqual(outcome.before);
  });
});
