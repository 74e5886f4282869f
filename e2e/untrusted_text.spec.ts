/**
 * Issue 9, item 6 (b): class names and file names come from the user's files and are shown as text, never parsed as
 * HTML. Each place that shows one gets a name holding an HTML payload that would run script if it were parsed
 * (PAYLOAD sets window.__pwned from an onerror handler): the Annotate image list and class list, the import
 * report in the status line, the Detect list and its canvas labels (WBC renamed in a fixture result), the Models table (the uploaded file's name and
 * the model's class names), and the widget (its labels, status and events). Afterwards the payload is on screen
 * verbatim, no <img src=x> exists anywhere (shadow roots included) and nothing ran.
 */
import { detectionResultFixture } from '../src/render/testing/detection_result';
import { expect, test } from './page_objects';
import { PAYLOAD, tinyPng, vocXml } from './privacy_support';
import { buildUntrainedModel, serveUntrainedModel, UNTRAINED_URL, type ModelFilesWire } from './widget_support';
import type { Page } from '@playwright/test';
import type { DetectionResult } from '../src/model/detection_types';

let model: ModelFilesWire;

test.beforeAll(async ({ browser }) => {
  model = await buildUntrainedModel(browser, [PAYLOAD, 'RBC']);
});

/** Nothing ran, and no element was made from the payload, in the document or any open shadow root. */
async function expectInert(page: Page): Promise<void> {
  const state = await page.evaluate(() => {
    const roots: (Document | ShadowRoot)[] = [document];
    for (const element of document.querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
    return {
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
      images: roots.reduce((n, root) => n + root.querySelectorAll('img[src="x"]').length, 0),
    };
  });
  expect(state).toEqual({ pwned: null, images: 0 });
}

test.describe('when class names and file names hold HTML', () => {
  test('the app shows them as text: annotate, import report, detect, models', async ({ page, api, stage, annotatePanel, detectPanel, modelsPanel }) => {
    test.setTimeout(90_000);
    await page.goto('/?model=none');
    await api.ready();
    const image = await tinyPng(page, `${PAYLOAD}.png`);

    await test.step('Annotate: an image with that file name, and a class with that name', async () => {
      await annotatePanel.open();
      await annotatePanel.addInput.setInputFiles([image]);
      await expect(annotatePanel.image(image.name)).toContainText(image.name);
      await annotatePanel.className.fill(PAYLOAD);
      await annotatePanel.classAdd.click();
      await expect(annotatePanel.classButton(PAYLOAD)).toContainText(PAYLOAD);
      await expectInert(page);
    });

    await test.step('an imported VOC set with that class name: the import report names it as text', async () => {
      const cells = await tinyPng(page, 'cells.png');
      await annotatePanel.importInput.setInputFiles([cells, vocXml('cells.png', 160, 120, [{ name: PAYLOAD, box: [41, 21, 120, 100] }])]);
      // tinyPng draws the same pixels under both names: the import asks about the duplicate, and its boxes replace the old image's
      await page.getByRole('button', { name: 'Replace mine' }).click();
      await expect(stage.status).toContainText(`${PAYLOAD} 1`);
      await expectInert(page);
    });

    await test.step('Detect: a result whose class is that name, in the list and as a canvas label', async () => {
      await page.getByTestId('tabs.detect').click();
      await detectPanel.sample('BloodImage_00007.jpg').click();
      await expect.poll(async () => (await api.detect()).image?.name).toBe('BloodImage_00007.jpg');
      const renamed = JSON.parse(JSON.stringify(detectionResultFixture()).replaceAll('"WBC"', JSON.stringify(PAYLOAD))) as DetectionResult;
      await api.showDetectionResult(renamed);
      await expect(detectPanel.list).toContainText(PAYLOAD);
      expect((await api.scene()).some((o) => JSON.stringify(o).includes(PAYLOAD))).toBe(true);
      await expectInert(page);
    });

    await test.step('Models: an uploaded model named by that file, with that class', async () => {
      await modelsPanel.open();
      await modelsPanel.uploadInput.setInputFiles([
        { name: `${PAYLOAD}.json`, mimeType: 'application/json', buffer: Buffer.from(model.modelJson) },
        { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(model.weightsBase64, 'base64') },
      ]);
      await expect(stage.status).toContainText('Uploaded');
      await expect(modelsPanel.table).toContainText(`Uploaded from ${PAYLOAD}.json`);
      await expect(modelsPanel.table).toContainText(`${PAYLOAD}, RBC`);
      await expectInert(page);
    });

    await test.step('Models: a damaged upload (weights cut short) is refused and the list stays as it was', async () => {
      const rows = await page.locator('[data-testid^="models.row."]').count();
      await modelsPanel.uploadInput.setInputFiles([
        { name: 'cut.json', mimeType: 'application/json', buffer: Buffer.from(model.modelJson) },
        { name: 'weights.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(model.weightsBase64, 'base64').subarray(0, 1000) },
      ]);
      await expect(stage.status).toContainText('These files are not a model');
      await expect(page.locator('[data-testid^="models.row."]')).toHaveCount(rows);
    });
  });

  test('the widget shows a model\'s class names as text', async ({ page }) => {
    test.setTimeout(90_000);
    await serveUntrainedModel(page, model);
    await page.goto('/embed.html');
    const labels = await page.evaluate(async (url) => {
      await customElements.whenDefined('frcnn-detector');
      const widget = document.getElementById('detector-a') as HTMLElementTagNameMap['frcnn-detector'];
      for (const [name, value] of [['model', url], ['input-scale', '64'], ['max-proposals', '20'], ['score-threshold', '0']]) widget.setAttribute(name, value);
      const done = new Promise<string[]>((resolve, reject) => {
        widget.addEventListener('detections', (e) => resolve(e.detail.objects.map((o) => o.label)));
        widget.addEventListener('error', (e) => reject(new Error(e.detail.message)));
      });
      widget.src = 'samples/BloodImage_00007.jpg';
      return done;
    }, UNTRAINED_URL);
    expect(labels).toContain(PAYLOAD);
    await expectInert(page);
  });
});
