/**
 * The round trip's last step in the page (issue 20): the model a two-process gloo torchrun just trained and exported
 * (scripts/test_scale.sh) is uploaded through the Models tab's file chooser as a user would, put in use, and detects
 * on a BCCD image on wasm; its detections carry the model's class names, and its top detection is PyTorch's
 * (scale/detect.py on the same image at the page's thresholds): same class, box within 0.5 px, score within 1e-3.
 * The page decodes the image and computes its own proposals; PyTorch used the bundle's (the page's, from its cache).
 * Run only by scale/playwright.scale.config.ts, which fails when the three files are not given.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { DEFAULT_DETECT } from '../../src/model/defaults';
import { chooseFiles, expect, keepScreenshot, test } from '../../e2e/page_objects';

const BOX_TOLERANCE_PX = 0.5;
const SCORE_TOLERANCE = 1e-3;
/** The page's candidate floor: the slider at it shows every candidate kept. */
const SCORE_THRESHOLD = DEFAULT_DETECT.candidateScoreThreshold;

interface Found {
  readonly className: string;
  readonly score: number;
  readonly box: readonly number[];
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this spec through npm run test:scale (scale/playwright.scale.config.ts)`);
  return value;
}

/** scale/detect.py's detections.json, with class names from the model's own model.json. */
function expectedDetections(classNames: readonly string[]): Found[] {
  const file = env('FRCNN_SCALE_EXPECTED');
  const { options, detections } = JSON.parse(readFileSync(file, 'utf8')) as {
    options: { scoreThreshold: number; candidateScoreThreshold: number };
    detections: { classId: number; score: number; box: number[] }[];
  };
  if (options.scoreThreshold !== SCORE_THRESHOLD || options.candidateScoreThreshold !== SCORE_THRESHOLD) {
    throw new Error(`${file}: PyTorch detected at ${JSON.stringify(options)}; the page detects at ${SCORE_THRESHOLD} (scale/detect.py --score-threshold ${SCORE_THRESHOLD})`);
  }
  return detections.map((d) => ({ className: classNames[d.classId - 1], score: d.score, box: d.box }));
}

/** What the Detect tab draws now, exact (window.frcnnTestApi.parts.detections, installed by src/ui/app.ts). */
function pageDetections(page: Page): Promise<Found[]> {
  return page.evaluate(() => (window.frcnnTestApi!.parts.detections as () => Found[])());
}

const boxDiff = (a: Found, b: Found): number => Math.max(...a.box.map((v, k) => Math.abs(v - b.box[k])));
const same = (a: Found, b: Found): boolean =>
  a.className === b.className && boxDiff(a, b) <= BOX_TOLERANCE_PX && Math.abs(a.score - b.score) <= SCORE_TOLERANCE;

test('the torchrun-trained model, uploaded in the Models tab, detects on wasm what PyTorch detects', async ({ page, modelsPanel, detectPanel, api }) => {
  const modelDir = env('FRCNN_SCALE_MODEL');
  const image = env('FRCNN_SCALE_IMAGE');
  const classNames = (JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')) as { modelTopology: { config: { classNames: string[] } } })
    .modelTopology.config.classNames;
  const expected = expectedDetections(classNames);
  expect(expected.length, 'PyTorch detected nothing: nothing to compare').toBeGreaterThan(0);

  await page.setViewportSize({ width: 1366, height: 800 });
  await page.routeWebSocket(/.*/, () => {}); // no HMR reload while other files change
  await page.goto('/?backend=wasm');
  await api.ready();

  await test.step('upload model.json + weights.bin through the file chooser and use it', async () => {
    await modelsPanel.open();
    await chooseFiles(page, 'models.upload', [join(modelDir, 'model.json'), join(modelDir, 'weights.bin')]);
    await expect(modelsPanel.row('model')).toContainText(classNames.join(', '));
    await page.getByTestId('models.use.model').click();
    await expect.poll(async () => { const m = await api.models(); return `${m.active} ${m.state}`; }, { timeout: 60_000 }).toBe('model ready');
  });

  await test.step('open the image in the Detect tab and show every detection above the candidate floor', async () => {
    await page.getByTestId('tabs.detect').click();
    await expect(detectPanel.model).toContainText('ready');
    await chooseFiles(page, 'detect.open', image);
    await expect.poll(async () => (await api.detect()).run, { timeout: 60_000 }).toBe('done');
    await detectPanel.setSlider(detectPanel.score, SCORE_THRESHOLD);
    await expect.poll(async () => (await api.detect()).scoreThreshold).toBe(SCORE_THRESHOLD);
    await keepScreenshot(page, 'torchrun-model-detects');
  });

  await test.step("the detections carry the model's classes, and the top one is PyTorch's", async () => {
    const found = await pageDetections(page);
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) expect(classNames).toContain(d.className);
    const top = found[0];
    // near-ties (a fresh head scores classes alike) may order differently: the page's top must be one of PyTorch's
    // detections within the tolerances that ties its top score, and PyTorch's top must be among the page's
    const match = expected.find((e) => same(top, e));
    expect(match, `the page's top ${JSON.stringify(top)} is none of PyTorch's: ${JSON.stringify(expected.slice(0, 3))}`).toBeDefined();
    expect(match!.score).toBeGreaterThanOrEqual(expected[0].score - SCORE_TOLERANCE);
    const theirTop = found.find((d) => same(d, expected[0]));
    expect(theirTop, `PyTorch's top ${JSON.stringify(expected[0])} is not among the page's: ${JSON.stringify(found.slice(0, 3))}`).toBeDefined();
    const matched = found.filter((d) => expected.some((e) => same(d, e))).length;
    // one line for scripts/test_scale.sh's summary
    console.log(`scale page figures: ${JSON.stringify({
      detections: found.length, pytorch: expected.length, matched,
      topScoreDiff: Math.abs(theirTop!.score - expected[0].score), topBoxDiff: boxDiff(theirTop!, expected[0]),
    })}`);
  });
});
