/**
 * Model-assisted labelling (issue 19, item 3), as a user does it: raccoon photos in the Annotate tab, the shipped
 * raccoon model chosen in Models, "Suggest boxes" on one image and on every unlabelled one (progress, Cancel); the
 * suggestions are drawn dashed with their score, accepted (click + Enter, ✓, Accept all) or rejected (Delete, Reject
 * all); classes are matched by name whatever the case, and a class the dataset lacks is offered as new or mapped to
 * one of the user's. What is saved is checked in the COCO export: accepted boxes only, never a pending suggestion.
 * Detection runs on wasm (?backend=wasm) on small photos, about a second each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, SHARED_DATASETS, test, type AnnotatePanel, type TestApi } from './page_objects';

const RACCOON = join(SHARED_DATASETS, 'raccoon');
const photo = (name: string): string => join(RACCOON, 'images', `${name}.jpg`);

/** The app on wasm with the shipped raccoon model chosen in the Models tab, then the Annotate tab. */
async function openWithRaccoonModel(page: Page, api: TestApi, annotatePanel: AnnotatePanel): Promise<void> {
  await page.routeWebSocket(/.*/, () => {}); // others edit files meanwhile: no HMR reload mid-test
  await page.goto('/?backend=wasm&model=none');
  await api.ready();
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

test('suggestions of a class the dataset has (any case): accept one, reject one, accept all on another image', async ({ page, api, annotatePanel }) => {
  test.setTimeout(90_000);
  await openWithRaccoonModel(page, api, annotatePanel);
  const images = ['raccoon-12', 'raccoon-24', 'raccoon-31'];
  await annotatePanel.addInput.setInputFiles(images.map(photo));
  await expect.poll(async () => (await api.annotate()).images.length).toBe(3);
  await page.getByTestId('annotate.class-rename.object').click();
  await page.getByTestId('annotate.class-rename-input').fill('RACCOON');
  await page.getByTestId('annotate.class-rename-input').press('Enter');
  await annotatePanel.image('raccoon-12.jpg').click();

  let rows: Awaited<ReturnType<typeof suggestionRows>> = [];
  await test.step('Suggest boxes: dashed suggestions with their scores, above the 0.50 threshold, named as the dataset names the class', async () => {
    await page.getByTestId('annotate.suggest.run').click();
    await expect(page.getByTestId('status')).toContainText('suggested box', { timeout: 30_000 });
    rows = await suggestionRows(page);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row.name).toBe('RACCOON');
      expect(row.score).toBeGreaterThanOrEqual(0.5);
    }
    const drawn = (await api.scene()).filter((o) => o.id.startsWith('suggestion:'));
    expect(drawn.map((o) => o.label)).toEqual(rows.map((r) => `RACCOON ${r.score.toFixed(2)}`));
    expect(drawn.every((o) => o.dash.length > 0)).toBe(true);
    expect((await api.annotate()).boxes).toEqual([]); // nothing is a box until accepted
    await keepScreenshot(page, 'suggest-shown');
  });

  await test.step('a click on a suggestion and Enter accept it: a RACCOON box, selected for editing, undoable', async () => {
    const first = (await api.scene()).find((o) => o.id === `suggestion:${rows[0].id}`)!;
    // a point inside the best suggestion and outside the others, so the click is unambiguous
    const others = (await api.scene()).filter((o) => o.id.startsWith('suggestion:') && o.id !== first.id).map((o) => o.box);
    const inside = (x: number, y: number, b: readonly number[]): boolean => x >= b[0] - 6 && x <= b[2] + 6 && y >= b[1] - 6 && y <= b[3] + 6;
    let point: [number, number] | null = null;
    for (let fy = 0.1; fy < 0.95 && !point; fy += 0.1) {
      for (let fx = 0.1; fx < 0.95 && !point; fx += 0.1) {
        const x = first.box[0] + fx * (first.box[2] - first.box[0]);
        const y = first.box[1] + fy * (first.box[3] - first.box[1]);
        if (!others.some((b) => inside(x, y, b))) point = [x, y];
      }
    }
    expect(point).not.toBeNull();
    await api.clickImage(point![0], point![1]);
    await expect(page.getByTestId(`annotate.suggestion.${rows[0].id}`)).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('Enter');
    const after = await api.annotate();
    expect(after.boxes).toHaveLength(1);
    expect(after.boxes[0].className).toBe('RACCOON');
    expect(after.boxes[0].box).toEqual([...first.box]);
    expect(after.selectedId).toBe(after.boxes[0].id);
    expect((await suggestionRows(page)).map((r) => r.id)).not.toContain(rows[0].id);
    await page.keyboard.press('Control+z');
    expect((await api.annotate()).boxes).toHaveLength(0);
    await page.keyboard.press('Control+Shift+z');
    expect((await api.annotate()).boxes).toHaveLength(1);
  });

  await test.step('a suggestion chosen in the list and Delete reject it; it vanishes and adds nothing', async () => {
    await page.getByTestId(`annotate.suggestion.${rows[1].id}`).click();
    await page.keyboard.press('Delete');
    await expect(page.getByTestId(`annotate.suggestion.${rows[1].id}`)).toHaveCount(0);
    expect((await api.annotate()).boxes).toHaveLength(1);
    expect((await api.scene()).some((o) => o.id === `suggestion:${rows[1].id}`)).toBe(false);
  });

  let acceptedOnSecond = 0;
  await test.step('Suggest for unlabelled images runs on the two others with progress; Accept all on one of them', async () => {
    await expect(page.getByTestId('annotate.suggest.run-unlabelled')).toHaveText('Suggest for unlabelled images (2)');
    await page.getByTestId('annotate.suggest.run-unlabelled').click();
    await expect(page.getByTestId('annotate.suggest.progress-text')).toContainText('of 2');
    await expect(page.getByTestId('status')).toContainText('on 2 images', { timeout: 30_000 });
    await expect(page.getByTestId('annotate.suggest.progress')).toBeHidden();
    await annotatePanel.image('raccoon-24.jpg').click();
    acceptedOnSecond = (await suggestionRows(page)).length;
    expect(acceptedOnSecond).toBeGreaterThanOrEqual(1);
    await keepScreenshot(page, 'suggest-second-image');
    await page.getByTestId('annotate.suggest.accept-all').click();
    expect((await api.annotate()).boxes.map((b) => b.className)).toEqual(Array(acceptedOnSecond).fill('RACCOON'));
    expect(await suggestionRows(page)).toEqual([]);
    await keepScreenshot(page, 'suggest-accepted-all');
  });

  await test.step('saved and exported: accepted boxes only; the third image keeps its suggestions out of the export', async () => {
    await expect(annotatePanel.save).toHaveText('All changes saved in this browser.');
    expect(Object.fromEntries((await api.annotate()).images.map((i) => [i.name, i.boxes]))).toEqual(
      { 'raccoon-12.jpg': 1, 'raccoon-24.jpg': acceptedOnSecond, 'raccoon-31.jpg': 0 });
    expect(cocoSummary(await exportCoco(page))).toEqual({
      boxes: { 'raccoon-12.jpg': 1, 'raccoon-24.jpg': acceptedOnSecond, 'raccoon-31.jpg': 0 }, classes: ['RACCOON'],
    });
  });
});

test("a dataset naming the class differently: the model's class is offered as new, or mapped to the user's", async ({ page, api, annotatePanel }) => {
  test.setTimeout(90_000);
  await openWithRaccoonModel(page, api, annotatePanel);
  const xml = readFileSync(join(RACCOON, 'annotations', 'raccoon-150.xml'), 'utf8').replace('<name>raccoon</name>', '<name>procyon</name>');
  await annotatePanel.importInput.setInputFiles([
    { name: 'raccoon-150.jpg', mimeType: 'image/jpeg', buffer: readFileSync(photo('raccoon-150')) },
    { name: 'raccoon-150.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) },
  ]);
  await expect.poll(async () => (await api.annotate()).classes).toEqual(['procyon']);
  await annotatePanel.addInput.setInputFiles([photo('raccoon-39'), photo('raccoon-131')]);
  await expect.poll(async () => (await api.annotate()).images.length).toBe(3);
  const unlabelled = page.getByTestId('annotate.suggest.run-unlabelled');

  await test.step('Cancel stops a run at once; nothing is suggested', async () => {
    await unlabelled.click();
    await page.getByTestId('annotate.suggest.cancel').click();
    await expect(page.getByTestId('status')).toContainText('Cancelled after 0 images');
    await expect(unlabelled).toBeEnabled();
    expect(await suggestionRows(page)).toEqual([]);
  });

  await test.step('the run over the two unlabelled images; "raccoon" is not a class of this dataset', async () => {
    await annotatePanel.image('raccoon-39.jpg').click();
    await unlabelled.click();
    await expect(page.getByTestId('status')).toContainText('on 2 images', { timeout: 30_000 });
    await expect(page.getByTestId('annotate.suggest.unknown.raccoon')).toBeVisible();
    const rows = await suggestionRows(page);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.name === 'raccoon (new class)')).toBe(true);
    expect((await api.scene()).filter((o) => o.id.startsWith('suggestion:')).every((o) => o.colour === '#ffffff')).toBe(true);
    await keepScreenshot(page, 'suggest-unknown-class');
  });

  await test.step('accepting one as it is adds the class "raccoon"; Ctrl+Z takes back the box and the class', async () => {
    const [first] = await suggestionRows(page);
    await page.getByTestId(`annotate.suggestion-accept.${first.id}`).click();
    let s = await api.annotate();
    expect(s.classes).toEqual(['procyon', 'raccoon']);
    expect(s.boxes.map((b) => b.className)).toEqual(['raccoon']);
    await page.getByTestId('stage.overlay').focus();
    await page.keyboard.press('Control+z');
    s = await api.annotate();
    expect(s.classes).toEqual(['procyon']);
    expect(s.boxes).toEqual([]);
  });

  let mapped = 0;
  await test.step('on the next image, "raccoon" mapped to the dataset\'s "procyon"; Accept all gives procyon boxes', async () => {
    await page.getByTestId('annotate.suggest.next').click();
    await expect.poll(async () => (await api.annotate()).current).toBe('raccoon-131.jpg');
    await page.getByTestId('annotate.suggest.map.raccoon').selectOption({ label: 'procyon' });
    await expect(page.getByTestId('annotate.suggest.unknown.raccoon')).toHaveCount(0);
    const rows = await suggestionRows(page);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.name === 'procyon')).toBe(true);
    mapped = rows.length;
    await page.getByTestId('annotate.suggest.accept-all').click();
    expect((await api.annotate()).boxes.map((b) => b.className)).toEqual(Array(mapped).fill('procyon'));
    await keepScreenshot(page, 'suggest-mapped-class');
  });

  await test.step('the export has the imported box and the accepted ones, all procyon', async () => {
    expect(cocoSummary(await exportCoco(page))).toEqual({
      boxes: { 'raccoon-150.jpg': 1, 'raccoon-39.jpg': 0, 'raccoon-131.jpg': mapped }, classes: ['procyon'],
    });
  });
});
