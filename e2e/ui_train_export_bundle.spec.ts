/**
 * The Train tab's "Export for PyTorch" (issue 20): an annotated BCCD image marked Train becomes one zip holding the
 * run's job (recipe, settings), the boxes as COCO, the image files, the proposals the page computed and the served
 * backbone: what scale/train.py trains on (scale/README.md).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { expect, keepScreenshot, SHARED_DATASETS, test } from './page_objects';

const BCCD = join(SHARED_DATASETS, 'bccd');
const NAMES = ['BloodImage_00001']; // one image: its selective search is most of the test's time

test('the Train tab exports the planned run as a training bundle for the PyTorch trainer', async ({ page, api, annotatePanel, trainPanel }) => {
  test.setTimeout(120_000);
  await page.goto('/?backend=wasm');
  await api.ready();
  await annotatePanel.open();
  await annotatePanel.importInput.setInputFiles([
    ...NAMES.map((n) => join(BCCD, 'JPEGImages', `${n}.jpg`)),
    ...NAMES.map((n) => join(BCCD, 'Annotations', `${n}.xml`)),
  ]);
  await expect.poll(async () => (await api.annotate()).images.length).toBe(1);
  await trainPanel.open();
  await trainPanel.iterations.fill('40');
  await trainPanel.iterations.dispatchEvent('change');
  const exportButton = page.getByTestId('train.export-bundle');
  await expect(exportButton).toBeEnabled();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), exportButton.click()]);
  expect(download.suggestedFilename()).toBe('training-bundle.zip');
  await expect(page.getByTestId('status')).toContainText('Training bundle exported: 1 train');
  await keepScreenshot(page, 'train-export-bundle');
  const path = test.info().outputPath('training-bundle.zip');
  await download.saveAs(path);
  const files = unzipSync(new Uint8Array(await readFile(path)));
  expect(Object.keys(files).sort()).toEqual(['backbone/centernet.bin', 'backbone/centernet.json', 'bundle.json', 'dataset.json',
    ...NAMES.map((n) => `images/${n}.jpg`), 'proposals.bin']);
  const bundle = JSON.parse(new TextDecoder().decode(files['bundle.json']));
  expect(bundle.format).toBe('frcnn-web-training-bundle');
  expect(bundle.classNames).toEqual(['RBC', 'WBC']); // the classes this image shows
  expect(bundle.config.solver.iterations).toBe(40); // the user's setting over the recipe
  expect(bundle.splits.train.map((s: { file: string }) => s.file).sort()).toEqual(NAMES.map((n) => `${n}.jpg`));
  const proposals = bundle.splits.train.reduce((n: number, s: { proposals: [number, number] }) => n + s.proposals[1], 0);
  expect(proposals).toBeGreaterThan(100); // selective search ran in the page
  expect(files['proposals.bin'].byteLength).toBe(proposals * 16);
  const coco = JSON.parse(new TextDecoder().decode(files['dataset.json']));
  expect(coco.images).toHaveLength(1);
  expect(coco.annotations.length).toBeGreaterThan(10);
  expect(files[`images/${NAMES[0]}.jpg`]).toEqual(new Uint8Array(await readFile(join(BCCD, 'JPEGImages', `${NAMES[0]}.jpg`))));
});
