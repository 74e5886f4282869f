/**
 * The embed example (/embed.html) as a host page meets the widget: one script tag, two <frcnn-detector>s, an image
 * set by attribute, a `detections` event with sensible boxes, and no CSS crossing the shadow boundary either way.
 * Kept light for SwiftShader: one small-scale detection (input-scale 160) over 50 selective-search proposals.
 * Without a trained default model (public/models/bccd/) the widgets get a detector with untrained heads built from
 * src/model in the test setup; the boxes are then checked for sanity, not for accuracy.
 */
import { test, type Page } from '@playwright/test';
import { expect } from './page_objects';
import type { DetectionsEventDetail } from '../src/widget/events';
import {
  buildUntrainedModel, HOSTILE_CSS, hostStyles, recordWidgetEvents, serveUntrainedModel, shadowStyles, TRAINED_MODEL,
  UNTRAINED_CLASSES, UNTRAINED_URL, widgetEvents, type ModelFilesWire,
} from './widget_support';

const SAMPLE = 'samples/BloodImage_00007.jpg'; // 640 x 480, from the BCCD test split
const MAX_PROPOSALS = 50;

let untrained: ModelFilesWire | null = null;

test.beforeAll(async ({ browser }) => {
  if (!TRAINED_MODEL) untrained = await buildUntrainedModel(browser);
});

async function openEmbed(page: Page): Promise<void> {
  // Other engineers edit files while this runs; a silent HMR socket keeps Vite from reloading the page mid-test.
  await page.routeWebSocket(/.*/, () => {});
  if (untrained) await serveUntrainedModel(page, untrained);
  await recordWidgetEvents(page);
  await page.goto('/embed.html');
  await page.waitForFunction(() => customElements.get('frcnn-detector') !== undefined);
}

/** Counts requests for the model's and the backbone's weight files. */
function countWeightRequests(page: Page): Record<string, number> {
  const counts: Record<string, number> = { model: 0, backbone: 0 };
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith('/weights.bin')) counts.model++;
    if (path.endsWith('/centernet.bin')) counts.backbone++;
  });
  return counts;
}

test.describe('when a host page embeds the widget', () => {
  test('an image set by attribute gives a detections event with sensible boxes, and no styles leak', async ({ page }) => {
    test.setTimeout(300_000);
    await test.step('baseline: the host page without the widget script', async () => {
      await page.route('**/src/widget/define.ts', (route) => route.fulfill({ body: 'export {};', contentType: 'text/javascript' }));
      await page.goto('/embed.html');
      await page.unroute('**/src/widget/define.ts');
    });
    const withoutWidget = await hostStyles(page);
    const requests = countWeightRequests(page);
    await openEmbed(page);

    if (!TRAINED_MODEL) {
      await test.step('without a trained default model each widget reports a clear model-not-found error', async () => {
        await expect.poll(async () => (await widgetEvents(page)).filter((e) => e.type === 'error').length, { timeout: 60_000 }).toBe(2);
        const errors = (await widgetEvents(page)).filter((e) => e.type === 'error').map((e) => e.detail as { code: string; message: string });
        for (const error of errors) {
          expect(error.code).toBe('model-not-found');
          expect(error.message).toContain('/models/bccd/model.json');
        }
        await expect(page.locator('#detector-a').locator('p[part=status]')).toContainText('no model at');
      });
    }

    const detail = await test.step('setting src on a widget detects and dispatches `detections`', async () =>
      page.evaluate(
        async ({ sample, maxProposals, model }) => {
          const widget = document.getElementById('detector-a') as HTMLElementTagNameMap['frcnn-detector'];
          widget.setAttribute('max-proposals', String(maxProposals));
          widget.setAttribute('input-scale', '160');
          // low, so that a small run has detections to check (untrained heads score about 1/4 for every class)
          widget.setAttribute('score-threshold', '0.05');
          if (model) widget.setAttribute('model', model);
          const event = new Promise<CustomEvent<DetectionsEventDetail>>((resolve, reject) => {
            widget.addEventListener('detections', (e) => resolve(e), { once: true });
            widget.addEventListener('error', (e) => reject(new Error(e.detail.message)), { once: true });
          });
          widget.src = sample;
          const { detail } = await event;
          return {
            objects: detail.objects,
            classNames: detail.result.classNames,
            proposals: detail.result.proposals.length,
            size: [detail.result.imageWidth, detail.result.imageHeight],
            backend: detail.result.backend,
            widgetClassNames: widget.classNames,
          };
        },
        { sample: SAMPLE, maxProposals: MAX_PROPOSALS, model: untrained ? UNTRAINED_URL : null },
      ),
    );

    await test.step('the event detail holds boxes inside the image, scores in [0, 1] and the model\'s class names', () => {
      expect(detail.backend).toBe('wasm'); // the widget's automatic choice: SwiftShader's WebGPU is a software renderer (e2e/backend.spec.ts)
      expect(detail.size).toEqual([640, 480]);
      expect(detail.proposals).toBeGreaterThan(0);
      expect(detail.proposals).toBeLessThanOrEqual(MAX_PROPOSALS);
      if (untrained) expect(detail.classNames).toEqual(UNTRAINED_CLASSES);
      expect(detail.widgetClassNames).toEqual(detail.classNames);
      expect(detail.objects.length).toBeGreaterThan(0);
      for (const { box, score, label } of detail.objects) {
        expect(detail.classNames).toContain(label);
        expect(Number.isFinite(score) && score >= 0 && score <= 1).toBe(true);
        expect(box.xmin).toBeGreaterThanOrEqual(0);
        expect(box.ymin).toBeGreaterThanOrEqual(0);
        expect(box.xmax).toBeLessThanOrEqual(640);
        expect(box.ymax).toBeLessThanOrEqual(480);
        expect(box.xmax).toBeGreaterThan(box.xmin);
        expect(box.ymax).toBeGreaterThan(box.ymin);
      }
      const scores = detail.objects.map((o) => o.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    await test.step('the widget draws the image and the boxes, and says what it found', async () => {
      const status = page.locator('#detector-a').locator('p[part=status]');
      await expect(status).toContainText(`${detail.objects.length} object`);
      const drawn = await page.evaluate(() => {
        const canvas = document.getElementById('detector-a')!.shadowRoot!.querySelector('canvas')!;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let opaque = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) opaque++;
        return { opaque, total: pixels.length / 4, label: canvas.getAttribute('aria-label') };
      });
      expect(drawn.opaque / drawn.total).toBeGreaterThan(0.5);
      expect(drawn.label).toContain(`${detail.objects.length} detection`);
    });

    await test.step('a second widget with the same model shares the loaded weights', async () => {
      const classNames = await page.evaluate(async (model) => {
        const widget = document.getElementById('detector-b') as HTMLElementTagNameMap['frcnn-detector'];
        return widget.loadModel(model ?? undefined);
      }, untrained ? UNTRAINED_URL : null);
      expect(classNames).toEqual(detail.classNames);
      expect(requests).toEqual({ model: 1, backbone: 1 });
    });

    await test.step('moving a widget within the page keeps its model and its drawing', async () => {
      const status = await page.evaluate(async () => {
        const widget = document.getElementById('detector-a')!;
        widget.parentElement!.prepend(widget); // re-inserted in place: disconnected and connected in one task
        await new Promise((resolve) => setTimeout(resolve, 100));
        return widget.shadowRoot!.querySelector('p')!.textContent;
      });
      expect(status).toContain(`${detail.objects.length} object`);
      expect(requests).toEqual({ model: 1, backbone: 1 });
    });

    await test.step('the host page\'s styles are exactly those it had without the widget', async () => {
      expect(await hostStyles(page)).toEqual(withoutWidget);
    });

    await test.step('a hostile host stylesheet does not change the widget\'s insides', async () => {
      const before = await shadowStyles(page, 'detector-a');
      await page.addStyleTag({ content: HOSTILE_CSS });
      expect(await shadowStyles(page, 'detector-a')).toEqual(before);
    });

    await test.step('the host needs no COOP/COEP headers', async () => {
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    });
  });
});

test.describe('when the model URL is wrong', () => {
  test('the widget dispatches an error event that names the URL', async ({ page }) => {
    await openEmbed(page);
    const error = await page.evaluate(async () => {
      const widget = document.createElement('frcnn-detector');
      const event = new Promise<{ code: string; message: string }>((resolve) =>
        widget.addEventListener('error', (e) => resolve({ code: e.detail.code, message: e.detail.message }), { once: true }),
      );
      widget.setAttribute('model', '/models/no-such-model/model.json');
      document.body.append(widget);
      const detail = await event;
      widget.remove();
      return detail;
    });
    expect(error.code).toBe('model-not-found');
    expect(error.message).toContain('/models/no-such-model/model.json');
  });
});
