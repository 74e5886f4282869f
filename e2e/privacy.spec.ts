/**
 * Issue 9, item 6 (a): nothing leaves the machine. Every request of the page and of its workers goes through a
 * route that lets only localhost through; page load, a detection and a short fine-tuning run in the app, then page
 * load and a detection in the widget's host page, must not try to reach anything else.
 * The app runs on wasm (?backend=wasm) on a small generated image; the widget on its own choice (WebGPU here) with
 * a 64 px input scale, so neither takes long.
 */
import { expect, test } from './page_objects';
import { guardNetwork, probeGuard, PROBE_URL, tinyPng, vocXml, type NetworkLog } from './privacy_support';

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
      await trainPanel.scale.selectOption('320');
      await trainPanel.start.click();
      await expect.poll(async () => (await api.train()).phase, { timeout: 120_000 }).toBe('done');
    });
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
    const count = await page.evaluate(async () => {
      await customElements.whenDefined('frcnn-detector');
      const widget = document.getElementById('detector-a') as HTMLElementTagNameMap['frcnn-detector'];
      widget.setAttribute('input-scale', '64');
      widget.setAttribute('max-proposals', '20');
      const done = new Promise<number>((resolve, reject) => {
        widget.addEventListener('detections', (e) => resolve(e.detail.result.proposals.length));
        widget.addEventListener('error', (e) => reject(new Error(e.detail.message)));
      });
      widget.src = 'samples/BloodImage_00007.jpg';
      return done;
    });
    expect(count).toBeGreaterThan(0);
    expect(network.offsite).toEqual([]);
    expect(network.local.some((path) => path.includes('proposal_worker'))).toBe(true);
  });
});
