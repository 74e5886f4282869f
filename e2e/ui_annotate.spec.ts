/**
 * The Annotate tab as a user works in it: add an image, draw boxes with two clicks, pick classes with the keyboard,
 * move, resize, delete, undo; autosave across a reload; import a VOC set and export COCO.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectionResultFixture } from '../src/render/testing/detection_result';
import { expect, keepScreenshot, SHARED_DATASETS, test } from './page_objects';

const BCCD = join(SHARED_DATASETS, 'bccd');
const IMAGE = 'BloodImage_00007.jpg';

test.describe('when the user annotates an image', () => {
  test.beforeEach(async ({ page, api, annotatePanel }) => {
    await page.setViewportSize({ width: 1366, height: 800 });
    await page.goto('/?model=none');
    await api.ready();
    await annotatePanel.open();
    await annotatePanel.addInput.setInputFiles(join(BCCD, 'JPEGImages', IMAGE));
    await expect.poll(async () => (await api.annotate()).current).toBe(IMAGE);
  });

  test('draw with two clicks, choose classes, move, resize, delete and undo', async ({ page, api, annotatePanel }) => {
    await test.step('N, then two clicks on opposite corners, draws a box', async () => {
      await page.keyboard.press('n');
      expect((await api.annotate()).tool).toBe('draw');
      await api.clickImage(100, 80);
      await expect.poll(async () => (await api.annotate()).interaction).toBe('drawing');
      expect((await api.scene()).some((o) => o.kind === 'crosshair')).toBe(true);
      await api.clickImage(220, 200);
      const { boxes, tool, selectedId } = await api.annotate();
      expect(boxes).toHaveLength(1);
      expect(boxes[0].box.map(Math.round)).toEqual([100, 80, 220, 200]);
      expect(tool).toBe('select');
      expect(selectedId).toBe(boxes[0].id);
    });

    await test.step('the box is drawn on the canvas in its class colour (cyan)', async () => {
      const pixels = await api.overlayPixels(160, 80);
      expect(pixels.some(([r, g, b, a]) => r < 60 && g > 200 && b > 200 && a > 240)).toBe(true);
    });

    await test.step('a new class, then key 2 gives the selected box the second class', async () => {
      await annotatePanel.className.fill('WBC');
      await annotatePanel.classAdd.click();
      await expect(annotatePanel.classButton('WBC')).toBeVisible();
      await page.getByTestId('stage.overlay').focus();
      await page.keyboard.press('2');
      expect((await api.annotate()).boxes[0].className).toBe('WBC');
    });

    await test.step('drag the box to move it, drag its corner handle to resize it', async () => {
      await api.dragImage([160, 140], [200, 160]);
      expect((await api.annotate()).boxes[0].box.map(Math.round)).toEqual([140, 100, 260, 220]);
      await api.dragImage([260, 220], [300, 250]);
      expect((await api.annotate()).boxes[0].box.map(Math.round)).toEqual([140, 100, 300, 250]);
    });

    await test.step('a second box by dragging, Delete removes it, Ctrl+Z brings it back, Ctrl+Shift+Z removes it again', async () => {
      await annotatePanel.draw.click();
      await api.dragImage([400, 300], [500, 400]);
      expect((await api.annotate()).boxes).toHaveLength(2);
      await page.keyboard.press('Delete');
      expect((await api.annotate()).boxes).toHaveLength(1);
      await page.keyboard.press('Control+z');
      expect((await api.annotate()).boxes).toHaveLength(2);
      await page.keyboard.press('Control+Shift+z');
      expect((await api.annotate()).boxes).toHaveLength(1);
      await annotatePanel.undo.click();
      expect((await api.annotate()).boxes).toHaveLength(2);
    });

    await test.step('Tab selects a box; arrow keys nudge it', async () => {
      await page.getByTestId('stage.overlay').focus();
      await page.keyboard.press('Tab');
      expect((await api.annotate()).selectedId).not.toBeNull();
      const selectedBox = async (): Promise<readonly number[]> => {
        const s = await api.annotate();
        return s.boxes.find((b) => b.id === s.selectedId)!.box;
      };
      const before = await selectedBox();
      await page.keyboard.press('Shift+ArrowRight');
      const after = await selectedBox();
      expect(after[0] - before[0]).toBeCloseTo(10);
    });
    await keepScreenshot(page, 'annotate-boxes');

    await test.step('autosave keeps the work across a reload', async () => {
      // a change just made is not yet saved, and the page must not say it is (it said so for 400 ms)
      await page.getByTestId('stage.overlay').focus();
      await page.keyboard.press('Shift+ArrowLeft');
      expect(await annotatePanel.save.textContent()).not.toBe('All changes saved in this browser.');
      await expect(annotatePanel.save).toHaveText('All changes saved in this browser.');
      await page.reload();
      await api.ready();
      await annotatePanel.open();
      await expect.poll(async () => (await api.annotate()).boxes.length).toBe(2);
      const restored = await api.annotate();
      expect(restored.classes).toEqual(['object', 'WBC']);
      expect(restored.current).toBe(IMAGE);
    });
  });

  test('a class can be renamed; boxes keep it', async ({ page, api, annotatePanel }) => {
    await annotatePanel.draw.click();
    await api.dragImage([10, 10], [60, 60]);
    await page.getByTestId('annotate.class-rename.object').click();
    const input = page.getByTestId('annotate.class-rename-input');
    await input.fill('RBC');
    await input.press('Enter');
    await expect(annotatePanel.classButton('RBC')).toBeVisible();
    expect((await api.annotate()).boxes[0].className).toBe('RBC');
  });
});

test.describe('when the user imports and exports annotations', () => {
  test('a VOC set (images + XML) imports with its boxes; COCO export downloads them', async ({ page, api, annotatePanel }) => {
    await page.goto('/?model=none');
    await api.ready();
    await annotatePanel.open();
    const names = ['BloodImage_00007', 'BloodImage_00011'];
    await annotatePanel.importInput.setInputFiles([
      ...names.map((n) => join(BCCD, 'JPEGImages', `${n}.jpg`)),
      ...names.map((n) => join(BCCD, 'Annotations', `${n}.xml`)),
    ]);
    await expect.poll(async () => (await api.annotate()).images.length).toBe(2);
    const snapshot = await api.annotate();
    expect(snapshot.classes).toEqual(expect.arrayContaining(['RBC', 'WBC']));
    const xmlObjects = (readFileSync(join(BCCD, 'Annotations', `${names[0]}.xml`), 'utf8').match(/<object>/g) ?? []).length;
    expect(snapshot.images[0].boxes).toBe(xmlObjects);
    await expect(page.getByTestId('status')).toContainText('Imported VOC');
    await keepScreenshot(page, 'annotate-imported');

    const [download] = await Promise.all([page.waitForEvent('download'), annotatePanel.exportCoco.click()]);
    const coco = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(coco.images).toHaveLength(2);
    expect(coco.annotations.length).toBe(snapshot.images[0].boxes + snapshot.images[1].boxes);
  });

  test('a non-image among added images is refused with a message', async ({ page, api, annotatePanel }) => {
    await page.goto('/?model=none');
    await api.ready();
    await annotatePanel.open();
    await annotatePanel.addInput.setInputFiles({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('nope') });
    await expect(page.getByTestId('status')).toContainText('“broken.png” is not an image');
    expect((await api.annotate()).images).toEqual([]);
  });
});

test.describe('when the user annotates a detected image', () => {
  test("the detector's boxes become starting boxes to check", async ({ page, api, detectPanel }) => {
    await page.goto('/?model=none');
    await api.ready();
    await detectPanel.sample(IMAGE).click();
    await expect.poll(async () => (await api.detect()).image?.name).toBe(IMAGE);
    await api.showDetectionResult(detectionResultFixture());
    await page.getByTestId('detect.annotate').click();
    await expect.poll(async () => (await api.annotate()).boxes.map((b) => b.className)).toEqual(['WBC', 'RBC']);
    expect(await api.page.evaluate(() => window.frcnnTestApi!.tab())).toBe('annotate');
  });
});
