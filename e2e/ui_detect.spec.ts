/**
 * The Detect tab as a user meets it: open or drop an image, then read the drawing. Drawing tests show a hand-built
 * DetectionResult (e2e/fixtures) through the test API, so they need no network; what is drawn is checked both as
 * the scene (the drawn-object model) and as pixels of the overlay canvas.
 */
import { join } from 'node:path';
import { detectionResultFixture } from '../src/render/testing/detection_result';
import type { Page } from '@playwright/test';
import { DetectPanel, expect, keepScreenshot, SHARED_DATASETS, test, TestApi } from './page_objects';

const SAMPLE = 'BloodImage_00007.jpg';

async function openSampleWithFixture(detectPanel: DetectPanel, api: TestApi): Promise<void> {
  await api.ready();
  await detectPanel.sample(SAMPLE).click();
  await expect.poll(async () => (await api.detect()).image?.name).toBe(SAMPLE);
  await api.showDetectionResult(detectionResultFixture());
}

/** Some pixel is WBC's class colour, #ffd600. */
function hasYellow(pixels: readonly (readonly number[])[]): boolean {
  return pixels.some(([r, g, b, a]) => r > 230 && g > 190 && b < 60 && a > 240);
}

function nothingDrawn(pixels: readonly (readonly number[])[]): boolean {
  return pixels.every((p) => p[3] === 0);
}

/** The drawing tests open the page with ?model=none: they show fixtures and need no network. */
test.describe('when the user opens an image', () => {
  test('a sample from the test split opens on the canvas', async ({ page, stage, detectPanel, api }) => {
    await page.goto('/');
    await api.ready();
    await expect(stage.empty).toBeVisible();
    await detectPanel.sample(SAMPLE).click();
    await expect(stage.status).toContainText(`Opened “${SAMPLE}” (640 × 480)`);
    await expect(stage.empty).toBeHidden();
    expect((await api.detect()).image).toEqual({ name: SAMPLE, width: 640, height: 480 });
    await test.step('the default model is the one in use (it detects once loaded; ui_train.spec.ts runs a detection)', async () => {
      await expect(detectPanel.model).toContainText('bccd');
    });
  });

  test('a dropped file opens; a dropped non-image or damaged image is refused and the image stays', async ({ page, stage, api }) => {
    await page.goto('/?model=none');
    await api.ready();
    await stage.dropFile(join(SHARED_DATASETS, 'raccoon', 'images', 'raccoon-57.jpg'));
    await expect.poll(async () => (await api.detect()).image?.name).toBe('raccoon-57.jpg');

    await test.step('a text file', async () => {
      await stage.dropFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') }]);
      await expect(stage.status).toContainText('“notes.txt” is not an image');
      await expect(stage.status).toContainText('The current image stays.');
      expect((await api.detect()).image?.name).toBe('raccoon-57.jpg');
    });

    await test.step('a truncated JPEG', async () => {
      await stage.dropFiles([{ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70]) }]);
      await expect(stage.status).toContainText('“broken.jpg” could not be read as an image');
      expect((await api.detect()).image?.name).toBe('raccoon-57.jpg');
    });
  });

  test('the file picker opens an image', async ({ page, detectPanel, api }) => {
    await page.goto('/?model=none');
    await api.ready();
    await detectPanel.fileInput.setInputFiles(join(SHARED_DATASETS, 'bccd', 'JPEGImages', 'BloodImage_00011.jpg'));
    await expect.poll(async () => (await api.detect()).image?.name).toBe('BloodImage_00011.jpg');
  });
});

test.describe('when a detection result is shown', () => {
  // One page for these tests (a page load and a sample cost seconds each): each starts from the same fixture with the
  // page's default layers and thresholds, no hover and no selection, as a freshly loaded page shows it.
  test.describe.configure({ mode: 'serial' });
  let shared: Page;
  let defaults: { score: number; iou: number };
  test.beforeAll(async ({ browser }) => {
    shared = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    await shared.goto('/?model=none');
    const panel = new DetectPanel(shared);
    await openSampleWithFixture(panel, new TestApi(shared));
    defaults = { score: Number(await panel.score.inputValue()), iou: Number(await panel.iou.inputValue()) };
  });
  test.afterAll(async () => {
    await shared?.close();
  });
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture needs from this pattern
  test.use({ page: async ({}, use) => use(shared) });
  test.beforeEach(async ({ page, detectPanel, api }) => {
    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');
    const layers = { detections: true, preRegression: true, proposals: false, suppressed: false } as const;
    for (const [name, on] of Object.entries(layers)) await detectPanel.layer(name as keyof typeof layers).setChecked(on);
    await detectPanel.setSlider(detectPanel.score, defaults.score);
    await detectPanel.setSlider(detectPanel.iou, defaults.iou);
    await api.showDetectionResult(detectionResultFixture());
    expect(await api.detect()).toMatchObject({ hoverKey: null, selectedKey: null });
  });

  test('detections are drawn solid in their class colour, with the boxes before regression dashed', async ({ page, detectPanel, api }) => {
    const scene = await api.scene();
    expect(scene.filter((o) => o.kind === 'detection').map((o) => o.label)).toEqual(['WBC 0.97', 'RBC 0.92']);
    expect(scene.filter((o) => o.kind === 'preRegression')).toHaveLength(2);
    await expect(detectPanel.summary).toHaveText('2 found: 1 WBC, 1 RBC.');
    await test.step('the WBC box edge is painted yellow on the overlay', async () => {
      expect(hasYellow(await api.overlayPixels(305, 110))).toBe(true);
      expect(nothingDrawn(await api.overlayPixels(360, 110))).toBe(true); // inside the box
    });
    await expect(detectPanel.times).toContainText('Backbone');
    await expect(page.getByTestId('detect.time.total')).toHaveText('992 ms');
    await keepScreenshot(page, 'detect-result');
  });

  test('layers toggle on and off', async ({ detectPanel, api }) => {
    await detectPanel.layer('detections').uncheck();
    await detectPanel.layer('preRegression').uncheck();
    expect(await api.scene()).toEqual([]);
    expect(nothingDrawn(await api.overlayPixels(305, 110))).toBe(true);
    await detectPanel.layer('proposals').check();
    await detectPanel.layer('suppressed').check();
    const kinds = (await api.scene()).map((o) => o.kind);
    expect(kinds.filter((k) => k === 'proposal')).toHaveLength(30);
    expect(kinds.filter((k) => k === 'suppressed')).toHaveLength(1);
    await test.step('keyboard: P hides the proposals again', async () => {
      await detectPanel.page.keyboard.press('p');
      expect((await api.scene()).some((o) => o.kind === 'proposal')).toBe(false);
    });
  });

  test('the sliders redraw at once without running the network', async ({ detectPanel, api }) => {
    await detectPanel.setSlider(detectPanel.score, 0.4);
    await expect.poll(async () => (await api.detect()).detectionKeys).toEqual(['2:0', '1:0', '1:2']);
    await detectPanel.setSlider(detectPanel.iou, 0.85);
    await expect.poll(async () => (await api.detect()).detectionKeys).toEqual(['2:0', '1:0', '1:1', '1:2']);
    await detectPanel.setSlider(detectPanel.iou, 0.5);
    await expect.poll(async () => (await api.detect()).suppressedKeys).toEqual(['1:1']);
    expect((await api.detect()).run).toBe('done');
  });

  test('hovering a detection explains it: source proposal, regression and class probabilities', async ({ page, detectPanel, api }) => {
    const point = await api.imageToClient(150, 150); // inside RBC 0 = [105, 102, 205, 204]
    await page.mouse.move(point.x, point.y);
    await expect.poll(async () => (await api.detect()).hoverKey).toBe('1:0');
    const scene = await api.scene();
    expect(scene.find((o) => o.kind === 'regression')).toMatchObject({ box: [100, 100, 200, 200], to: [105, 102, 205, 204] });
    expect(scene.find((o) => o.id === 'detection:2:0')?.emphasis).toBe('dimmed');
    await expect(page.getByTestId('detect.details.proposal')).toHaveText('#0: [100, 100, 200, 200]');
    await expect(page.getByTestId('detect.details.deltas')).toContainText('dx 0.050');
    await expect(page.getByTestId('detect.details.probabilities')).toContainText('RBC');
    await keepScreenshot(page, 'detect-hover');
    await test.step('a click selects it, and Esc clears the selection', async () => {
      await page.mouse.down();
      await page.mouse.up();
      await expect(detectPanel.item('1:0')).toHaveAttribute('aria-pressed', 'true');
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
      await expect.poll(async () => (await api.detect()).selectedKey).toBeNull();
    });
  });

  test('the detection list is keyboard-accessible', async ({ page, detectPanel, api }) => {
    await detectPanel.item('2:0').focus();
    await expect.poll(async () => (await api.detect()).hoverKey).toBe('2:0');
    await page.keyboard.press('Enter');
    await expect(detectPanel.item('2:0')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('detect.details.box')).toHaveText('[305, 55, 418, 172]');
  });
});

test.describe('when the page is used on a tablet', () => {
  test('768 px wide: nothing overflows sideways and the canvas stays large', async ({ page, detectPanel, api }) => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto('/?model=none');
    await openSampleWithFixture(detectPanel, api);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    const box = await page.getByTestId('stage.overlay').boundingBox();
    expect(box!.width).toBeGreaterThan(700);
    await keepScreenshot(page, 'detect-tablet');
  });
});

test.describe('when the user asks for help', () => {
  test('? opens the shortcut list, Esc closes it', async ({ page, api }) => {
    await page.goto('/?model=none');
    await api.ready();
    await page.keyboard.press('?');
    const dialog = page.getByTestId('help.dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Draw a new box');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });
});
