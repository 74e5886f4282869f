/**
 * A dataset that round-trips, as a user does it (issue 19, item 2): "Import folder…" on a folder of three raccoon
 * photos with their VOC XML, "VOC (zip)" export, the images removed, the zip imported with "Import files…" and the
 * same boxes seen; the zip imported once more, the duplicate dialog answered "Skip them", nothing doubled; the
 * same photo added with "Add images…" and kept as a copy ("Keep both"; no Replace without boxes). The
 * exported XML holds integer 1-based corners and the source's <truncated>. A damaged zip is named in the status.
 * Then "YOLO (zip)" and "CSV (zip)": the YOLO zip read back in Node (readZip + assembleDataset) gives the same
 * boxes within 1e-6 of the image size, and the CSV zip imported with "Import files…" gives the same boxes exactly.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { assembleDataset } from '../src/data/assemble';
import { readImageHeader } from '../src/data/image_header';
import { isImagePath } from '../src/data/paths';
import { readZip } from '../src/data/zip_archive';
import { chooseFiles, expect, keepScreenshot, SHARED_DATASETS, test, type AnnotatePanel, type TestApi } from './page_objects';

const RACCOON = join(SHARED_DATASETS, 'raccoon');
// raccoon-11: one box marked truncated; raccoon-12: two boxes; raccoon-10: one box
const NAMES = ['raccoon-10', 'raccoon-11', 'raccoon-12'];

/** A folder as a user has it: images/ and annotations/ side by side. */
function writeFolder(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'roundtrip-')), 'raccoons');
  mkdirSync(join(root, 'images'), { recursive: true });
  mkdirSync(join(root, 'annotations'));
  for (const name of NAMES) {
    copyFileSync(join(RACCOON, 'images', `${name}.jpg`), join(root, 'images', `${name}.jpg`));
    copyFileSync(join(RACCOON, 'annotations', `${name}.xml`), join(root, 'annotations', `${name}.xml`));
  }
  return root;
}

/** Every image's boxes, class and corners, read by selecting each image in the list as a user would. */
async function boxesByImage(annotatePanel: AnnotatePanel, api: TestApi): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of NAMES) {
    await annotatePanel.image(`${name}.jpg`).click();
    await expect.poll(async () => (await api.annotate()).current).toContain(name);
    out[name] = (await api.annotate()).boxes.map((b) => `${b.className} ${b.box.join(',')}`).sort();
  }
  return out;
}

test('folder -> VOC zip -> zip import gives the same boxes; importing it again asks, and Skip adds nothing', async ({ page, api, annotatePanel }) => {
  test.setTimeout(60_000);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/?model=none');
  await api.ready();
  await annotatePanel.open();
  const summary = page.getByTestId('annotate.summary');

  await chooseFiles(page, 'annotate.import-folder', writeFolder());
  await expect(summary).toHaveText('3 images, 4 boxes.');
  const imported = await boxesByImage(annotatePanel, api);
  expect(imported['raccoon-11']).toEqual(['raccoon 2,0,461,431']); // VOC 3,1 (1-based) -> 2,0
  expect(imported['raccoon-12']).toHaveLength(2);
  await keepScreenshot(page, 'roundtrip-folder-imported');

  const [download] = await Promise.all([page.waitForEvent('download'), annotatePanel.exportVoc.click()]);
  const zipPath = test.info().outputPath('annotations-voc.zip');
  await download.saveAs(zipPath);
  const files = unzipSync(new Uint8Array(await readFile(zipPath)));
  expect(Object.keys(files).sort()).toEqual(['Annotations/raccoon-10.xml', 'Annotations/raccoon-11.xml', 'Annotations/raccoon-12.xml',
    'ImageSets/Main/test.txt', 'ImageSets/Main/train.txt', 'JPEGImages/raccoon-10.jpg', 'JPEGImages/raccoon-11.jpg', 'JPEGImages/raccoon-12.jpg']);
  const xml = new TextDecoder().decode(files['Annotations/raccoon-11.xml']);
  expect(xml).toContain('<truncated>1</truncated>');
  expect(xml).toMatch(/<xmin>3<\/xmin>\s*<ymin>1<\/ymin>\s*<xmax>461<\/xmax>\s*<ymax>431<\/ymax>/);
  expect(new Uint8Array(files['JPEGImages/raccoon-10.jpg'])).toEqual(new Uint8Array(await readFile(join(RACCOON, 'images', 'raccoon-10.jpg'))));

  for (const name of NAMES) await page.getByRole('button', { name: `Remove ${name}.jpg` }).click();
  await expect(summary).toContainText('Add images, or import a dataset');

  await chooseFiles(page, 'annotate.import', zipPath);
  await expect(summary).toHaveText('3 images, 4 boxes.');
  await expect(page.getByTestId('status')).toContainText('Imported VOC-DEVKIT');
  expect(await boxesByImage(annotatePanel, api)).toEqual(imported);
  await keepScreenshot(page, 'roundtrip-zip-imported');

  await chooseFiles(page, 'annotate.import', zipPath);
  const dialog = page.getByTestId('annotate.duplicates');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('3 images already in the set');
  await expect(page.getByTestId('annotate.duplicates.names')).toContainText('raccoon-12.jpg');
  await keepScreenshot(page, 'roundtrip-duplicate-dialog');
  await page.getByTestId('annotate.duplicates.skip').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('status')).toContainText('3 images already in the set: 3 skipped.');
  const row = page.locator('[data-testid="annotate.report-row"][data-file="annotations-voc/JPEGImages/raccoon-12.jpg"]');
  await expect(row).toHaveAttribute('data-outcome', 'warning');
  await expect(row).toContainText("the same bytes as 'raccoon-12.jpg', already in the set: not added (you chose Skip)");
  await expect(summary).toHaveText('3 images, 4 boxes.');
  expect((await api.annotate()).images.map((i) => i.name).sort()).toEqual(NAMES.map((n) => `${n}.jpg`));
  expect(await boxesByImage(annotatePanel, api)).toEqual(imported);
  await keepScreenshot(page, 'roundtrip-after-skip');

  // the same photo added with "Add images…": no boxes to replace with, so Skip or Keep both; Keep both adds a copy
  await chooseFiles(page, 'annotate.add', join(RACCOON, 'images', 'raccoon-10.jpg'));
  await expect(dialog).toContainText('1 image already in the set');
  await expect(page.getByTestId('annotate.duplicates.replace')).toHaveCount(0);
  await page.getByTestId('annotate.duplicates.keep').click();
  await expect(summary).toHaveText('4 images, 4 boxes.');
  await expect(annotatePanel.image('raccoon-10 (2).jpg')).toBeVisible();
  await expect(page.getByTestId('status')).toContainText('1 image already in the set: 1 added again as copies.');

  // a damaged zip: the status names it and says what to do; the set is untouched
  await chooseFiles(page, 'annotate.import', { name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('PK\u0003\u0004 not really a zip') });
  await expect(page.getByTestId('status')).toContainText('broken.zip: not a readable zip archive');
  await expect(page.getByTestId('status')).toContainText('unpack it and import the folder');
  await expect(summary).toHaveText('4 images, 4 boxes.');

  // every import format written back: YOLO checked in Node, CSV imported through the page
  const saveExport = async (testid: string, name: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    const path = test.info().outputPath(name);
    await file.saveAs(path);
    return path;
  };
  const yoloPath = await saveExport('annotate.export-yolo', 'annotations-yolo.zip');
  await expect(page.getByTestId('status')).toContainText('Exported 4 images as a YOLO set (zip).');
  const csvPath = await saveExport('annotate.export-csv', 'annotations-csv.zip');
  const yolo = assembleDataset(readZip(new Uint8Array(await readFile(yoloPath)), 'annotations-yolo.zip', 'y').map(({ path, data }) =>
    isImagePath(path) ? { path, isImage: true, ...readImageHeader(data)!.uprightSize } : { path, isImage: false, text: new TextDecoder().decode(data) }));
  expect(yolo.layout).toBe('yolo');
  expect(yolo.dataset.records.map((r) => r.imageFile)).toEqual(['raccoon-10 (2).jpg', ...NAMES.map((n) => `${n}.jpg`)]);
  expect(yolo.dataset.records[0].objects).toEqual([]);
  // corners within 0.5e-6 of the image size of the whole pixels they were, so rounding gives them back
  expect(Object.fromEntries(yolo.dataset.records.slice(1).map((r) => [r.imageFile.replace('.jpg', ''),
    r.objects.map((o) => `${o.className} ${o.box.map(Math.round).join(',')}`).sort()]))).toEqual(imported);
  for (const name of NAMES) await page.getByRole('button', { name: `Remove ${name}.jpg` }).click();
  await page.getByRole('button', { name: 'Remove raccoon-10 (2).jpg' }).click();
  await expect(summary).toContainText('Add images, or import a dataset');
  await chooseFiles(page, 'annotate.import', csvPath);
  await expect(page.getByTestId('status')).toContainText('Imported CSV');
  await expect(summary).toHaveText('4 images, 4 boxes.');
  expect(await boxesByImage(annotatePanel, api)).toEqual(imported);
  await keepScreenshot(page, 'roundtrip-csv-imported');
});
