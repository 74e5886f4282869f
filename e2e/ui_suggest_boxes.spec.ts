/**
 * Model-assisted labelling (issue 19, item 3), as a user does it: a small raccoon dataset whose class is named
 * "procyon" and two unlabelled photos in the Annotate tab, the shipped raccoon model chosen in Models, "Suggest boxes"
 * on one image and on every unlabelled one (progress, Cancel). The suggestions are drawn dashed with their score;
 * the model's "raccoon" is offered as a new class (added, then undone) and mapped to "procyon"; suggestions are
 * rejected (Delete) and accepted (click + Enter, Accept all). What is saved is checked in the COCO export: accepted
 * boxes only, never a pending suggestion. Matching by name whatever the case is unit-tested (suggestions.test.ts).
 * One page for the whole story (the model loads once); detection runs on wasm on small photos.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, SHARED_DATASETS, test, type AnnotatePanel, type TestApi } from './page_objects';

const RACCOON = join(SHARED_DATASETS, 'raccoon');
const photo = (name: string): string => join(RACCOON, 'images', `${name}.jpg`);

/** The app on wasm with no model, then the shipped raccoon model chosen in the Models tab, then the Annotate tab. */
async function openWithRaccoonModel(page: Page, api: TestApi, annotatePanel: AnnotatePanel): Promise<void> {
  await page.routeWebSocket(/.*/, () => {}); // others edit files meanwhile: no HMR reload mid-test
  await page.goto('/?backend=wasm&model=none');
  await api.ready();
  await annotatePanel.open(); // no model yet: the section says so and cannot run
  await expect(page.getByTestId('annotate.suggest.model')).toContainText('Nothing to suggest with yet: No model loaded');
  await expect(page.getByTestId('annotate.suggest.run')).toBeDisabled();
  await page.getByTestId('tabs.models').click();
  await page.getByTestId('models.use.raccoon').click();
  await expect.poll(async () => (await api.models()).state, { timeout: 60_000 }).toBe('ready');
  expect((await api.models()).active).toBe('raccoon');
  await annotatePanel.open();
  await expect(page.getByTestId('annotate.suggest.model')).toContainText('raccoon');
}

/** The suggestion rows of the current image: id, class as shown, score. */
async function suggestionRows(page: Page): Promise<{ id: string; name: string; score: number }[]> {
  const rows = page.getByTestId('annotate.suggest.list').locator('button.detection-row');
  return Promise.all((await rows.all()).map(async (row) => ({
    id: (await row.getAttribute('data-testid'))!.replace('annotate.suggestion.', ''),
    name: (await row.locator('.name').textContent())!,
    score: Number(await row.locator('.score').textContent()),
  })));
}

async function exportCoco(page: Page): Promise<{ images: { id: number; file_name: string }[]; annotations: { image_id: number; category_id: number }[]; categories: { id: number; name: string }[] }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('annotate.export-coco').click()]);
  return JSON.parse(readFileSync((await download.path())!, 'utf8'));
}

/** Boxes per image name and class names, from a COCO export. */
function cocoSummary(coco: Awaited<ReturnType<typeof exportCoco>>): { boxes: Record<string, number>; classes: string[] } {
  const boxes: Record<string, number> = {};
  for (const image of coco.images) boxes[image.file_name] = coco.annotations.filter((a) => a.image_id === image.id).length;
  return { boxes, classes: coco.categories.map((c) => c.name).sort() };
}

test('suggest boxes, map the model\'s class, reject and accept one by one and all at once; only accepted boxes are saved', async ({ page, api, annotatePanel }) => {
  test.setTimeout(90_000);
  await test.step('the app on wasm, the raccoon model chosen in Models', () => openWithRaccoonModel(page, api, annotatePanel));
  const xml = readFileSync(join(RACCOON, 'annotations', 'raccoon-150.xml'), 'utf8').replace('<name>raccoon</name>', '<name>procyon</name>');
  await annotatePanel.importInput.setInputFiles([
    { name: 'raccoon-150.jpg', mimeType: 'image/jpeg', buffer: readFileSync(photo('raccoon-150')) },
    { name: 'raccoon-150.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) },
  ]);
  await expect.poll(async () => (await api.annotate()).classes).toEqual(['procyon']);
  await annotatePanel.addInput.setInputFiles(['raccoon-12', 'raccoon-24', 'raccoon-31'].map(photo));
  await expect.poll(async () => (await api.annotate()).images.length).toBe(4);
  const unlabelled = page.getByTestId('annotate.suggest.run-unlabelled');
  const status = page.getByTestId('status');

  await test.step('Cancel stops a run over the unlabelled images at once; nothing is suggested', async () => {
    await expect(unlabelled).toHaveText('Suggest for unlabelled images (3)');
    await unlabelled.click();
    await page.getByTestId('annotate.suggest.cancel').click();
    await expect(status).toContainText('Cancelled after 0 images');
    await expect(unlabelled).toBeEnabled();
    expect(await suggestionRows(page)).toEqual([]);
  });

  let rows: Awaited<ReturnType<typeof suggestionRows>> = [];
  await test.step('Suggest boxes on this image: dashed suggestions with scores ≥ 0.50; "raccoon" is not a class of this dataset', async () => {
    await annotatePanel.image('raccoon-12.jpg').click();
    await page.getByTestId('annotate.suggest.run').click();
    await expect(status).toContainText('on 1 image', { timeout: 30_000 });
    rows = await suggestionRows(page);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row.name).toBe('raccoon (new class)');
      expect(row.score).toBeGreaterThanOrEqual(0.5);
    }
    const drawn = (await api.scene()).filter((o) => o.id.startsWith('suggestion:'));
    expect(drawn.map((o) => o.label)).toEqual(rows.map((r) => `raccoon (new class) ${r.score.toFixed(2)}`));
    expect(drawn.every((o) => o.dash.length > 0 && o.colour === '#ffffff')).toBe(true);
    expect((await api.annotate()).boxes).toEqual([]); // nothing is a box until accepted
    await expect(page.getByTestId('annotate.suggest.unknown.raccoon')).toBeVisible();
    await keepScreenshot(page, 'suggest-unknown-class');
  });

  await test.step('"Add raccoon as a new class" adds it (the suggestions take it); Ctrl+Z takes it back', async () => {
    await page.getByTestId('annotate.suggest.add-class.raccoon').click();
    expect((await api.annotate()).classes).toEqual(['procyon', 'raccoon']);
    expect((await suggestionRows(page)).map((r) => r.name)).toEqual(rows.map(() => 'raccoon'));
    await page.keyboard.press('Control+z');
    expect((await api.annotate()).classes).toEqual(['procyon']);
    await expect(page.getByTestId('annotate.suggest.unknown.raccoon')).toBeVisible();
  });

  await test.step('"raccoon" mapped to the dataset\'s "procyon": the suggestions are procyon', async () => {
    await page.getByTestId('annotate.suggest.map.raccoon').selectOption({ label: 'procyon' });
    await expect(page.getByTestId('annotate.suggest.unknown.raccoon')).toHaveCount(0);
    expect((await suggestionRows(page)).map((r) => r.name)).toEqual(rows.map(() => 'procyon'));
    await keepScreenshot(page, 'suggest-mapped');
  });

  await test.step('a suggestion chosen in the list and Delete reject it; it vanishes and adds nothing', async () => {
    await page.getByTestId(`annotate.suggestion.${rows[1].id}`).click();
    await page.keyboard.press('Delete');
    await expect(page.getByTestId(`annotate.suggestion.${rows[1].id}`)).toHaveCount(0);
    expect((await api.annotate()).boxes).toEqual([]);
    expect((await api.scene()).some((o) => o.id === `suggestion:${rows[1].id}`)).toBe(false);
  });

  await test.step('a click on a suggestion and Enter accept it: a procyon box, selected for editing, undoable', async () => {
    const scene = (await api.scene()).filter((o) => o.id.startsWith('suggestion:'));
    const first = scene.find((o) => o.id === `suggestion:${rows[0].id}`)!;
    const point = pointOnlyIn(first.box, scene.filter((o) => o !== first).map((o) => o.box));
    await api.clickImage(point[0], point[1]);
    await expect(page.getByTestId(`annotate.suggestion.${rows[0].id}`)).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('Enter');
    const after = await api.annotate();
    expect(after.boxes.map((b) => [b.className, b.box])).toEqual([['procyon', [...first.box]]]);
    expect(after.selectedId).toBe(after.boxes[0].id);
    expect(after.classes).toEqual(['procyon']);
    await page.keyboard.press('Control+z');
    expect((await api.annotate()).boxes).toHaveLength(0);
    await page.keyboard.press('Control+Shift+z');
    expect((await api.annotate()).boxes).toHaveLength(1);
    await keepScreenshot(page, 'suggest-accepted-one');
  });

  let accepted = 0;
  await test.step('Suggest for unlabelled images runs on the two left with progress; Accept all on the next image', async () => {
    await expect(unlabelled).toHaveText('Suggest for unlabelled images (2)');
    await unlabelled.click();
    await expect(page.getByTestId('annotate.suggest.progress-text')).toContainText('of 2');
    await expect(status).toContainText('on 2 images', { timeout: 30_000 });
    await expect(page.getByTestId('annotate.suggest.progress')).toBeHidden();
    if ((await api.annotate()).current === 'raccoon-12.jpg') await page.getByTestId('annotate.suggest.next').click();
    await expect.poll(async () => (await api.annotate()).current).toBe('raccoon-24.jpg');
    accepted = (await suggestionRows(page)).length;
    expect(accepted).toBeGreaterThanOrEqual(1);
    await keepScreenshot(page, 'suggest-second-image');
    await page.getByTestId('annotate.suggest.accept-all').click();
    expect((await api.annotate()).boxes.map((b) => b.className)).toEqual(Array(accepted).fill('procyon'));
    expect(await suggestionRows(page)).toEqual([]);
    await keepScreenshot(page, 'suggest-accepted-all');
  });

  await test.step('saved and exported: the accepted boxes only; raccoon-31 keeps its suggestions out of the export', async () => {
    await expect(page.getByTestId('annotate.suggest.next')).toHaveText('Next image with suggestions (1 more)');
    await expect(annotatePanel.save).toHaveText('All changes saved in this browser.');
    const counts = { 'raccoon-150.jpg': 1, 'raccoon-12.jpg': 1, 'raccoon-24.jpg': accepted, 'raccoon-31.jpg': 0 };
    expect(Object.fromEntries((await api.annotate()).images.map((i) => [i.name, i.boxes]))).toEqual(counts);
    expect(cocoSummary(await exportCoco(page))).toEqual({ boxes: counts, classes: ['procyon'] });
  });
});

/** A point inside `box` and at least 6 px away from each of `others`, so a click there picks `box` alone. */
function pointOnlyIn(box: readonly number[], others: readonly (readonly number[])[]): [number, number] {
  const near = (x: number, y: number, b: readonly number[]): boolean => x >= b[0] - 6 && x <= b[2] + 6 && y >= b[1] - 6 && y <= b[3] + 6;
  for (let fy = 0.1; fy < 0.95; fy += 0.1) {
    for (let fx = 0.1; fx < 0.95; fx += 0.1) {
      const x = box[0] + fx * (box[2] - box[0]);
      const y = box[1] + fy * (box[3] - box[1]);
      if (!others.some((b) => near(x, y, b))) return [x, y];
    }
  }
  throw new Error(`no point of [${box.join(', ')}] is clear of the other suggestions`);
}
