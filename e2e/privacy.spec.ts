/**
 * Issue 9, item 6 (a): nothing leaves the machine. Every request of the page and of its workers goes through a
 * route that lets only localhost through; page load, a detection and a short fine-tuning run in the app, then page
 * load and a detection in the widget's host page, must not try to reach anything else.
 * The app runs on wasm (?backend=wasm) on a small generated image; the widget on its own choice (wasm here) with
 * a 64 px input scale, so neither takes long.
 */
import { expect, test } from './page_objects';
import { detectThenFineTune, guardNetwork, probeGuard, PROBE_URL, tinyPng, type NetworkLog } from './privacy_support';

let network: NetworkLog;

test.beforeEach(async ({ context }) => {
  network = await guardNetwork(context);
});

test.describe('when the app and the widget run, no request leaves localhost', () => {
  test('the app: page load, a detection, a short fine-tuning run', async ({ page, api, stage, annotatePanel, trainPanel }) => {
    test.setTimeout(150_000);
    await test.step('page load with the default model', async () => {
      await page.goto('/?backend=wasm');
      await api.ready();
      await expect(page.getByTestId('backend.name')).toHaveText('wasm');
      await expect.poll(async () => (await api.models()).state, { timeout: 60_000 }).toBe('ready');
    });
    const image = await tinyPng(page, 'disc.png');
    await detectThenFineTune({ api, stage, annotatePanel, trainPanel }, image, { trainScale: '320' });
    await test.step('only localhost was asked for anything, the workers included', async () => {
      expect(network.offsite).toEqual([]);
      await probeGuard(page); // the guard itself sees requests of the page and of its workers
      expect(network.offsite).toEqual([PROBE_URL, `${PROBE_URL}?worker`]);
      expect(network.local).toContain('/src/training/worker.ts');
      expect(network.local.some((path) => path.startsWith('/backbone/'))).toBe(true);
    });
  });

  test('the widget host page: page load and a detection', async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto('/embed.html');
    const { count, backend } = await page.evaluate(async () => {
      await customElements.whenDefined('frcnn-detector');
      const widget = document.getElementById('detector-a') as HTMLElementTagNameMap['frcnn-detector'];
      widget.setAttribute('input-scale', '64');
      widget.setAttribute('max-proposals', '20');
      const done = new Promise<{ count: number; backend: string }>((resolve, reject) => {
        widget.addEventListener('detections', (e) => resolve({ count: e.detail.result.proposals.length, backend: e.detail.result.backend }));
        widget.addEventListener('error', (e) => reject(new Error(e.detail.message)));
      });
      widget.src = 'samples/BloodImage_00007.jpg';
      return done;
    });
    expect(backend).toBe('wasm'); // the widget's automatic choice here: SwiftShader's WebGPU is a software renderer
    expect(count).toBeGreaterThan(0);
    expect(network.offsite).toEqual([]);
    // the detection worker; the proposal workers it starts are nested workers, whose script requests Playwright's
    // routing does not see (they fetch nothing else: they work on pixels they are sent)
    expect(network.local.some((path) => path.includes('detector_worker'))).toBe(true);
  });
});
