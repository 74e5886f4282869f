/**
 * Fine-tuning a small set of one's own photos with the recommended settings, as a user does it (issue 15, third
 * goal): 15 raccoon photos with their boxes and 5 more held out, read from ../shared/datasets/raccoon when the test
 * runs and imported in the Annotate tab as a user picks files; the Settings section opens on the recipe for this set, the user accepts it
 * and starts; validation mAP is drawn while the run goes on; the run ends within 3 minutes with the weights of its
 * best validation evaluation (then, as the recipe chooses when its budget allows, trains again on all 15 stopping at
 * the same point), and the result finds the raccoons in the held-out photos (VOC07 AP above a floor).
 * Trains on wasm, the default; the page's own backend is wasm too (SwiftShader WebGPU is minutes per detection here).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, keepScreenshot, SHARED_DATASETS, test } from './page_objects';

const RACCOON = join(SHARED_DATASETS, 'raccoon');
const TRAIN_PHOTOS = 15;
const HELD_OUT_PHOTOS = 5;
/**
 * The whole run (proposals, features, both training runs, validation, the held-out evaluation, export), in seconds:
 * the goal. Measured on this 2-core machine when quiet: 135 s and 133 s (the whole spec 2.4 min); with other
 * trainings running beside it (load 5-8) 230-380 s, so this fails on a busy machine.
 */
const MAX_RUN_SECONDS = 180;
/**
 * Held-out VOC07 AP floor. Measured on this 2-core machine with the recommended settings (200 iterations at 600 px,
 * validation chose iteration 125 on its 3 images, then 156 iterations again on all 15): 0.818 in each of five runs.
 * The same page with 2 iterations gives 0.000, with 30 iterations 0.590, so the floor fails when the run does not learn
 * or stops far short of the recipe.
 */
const AP_FLOOR = 0.65;

/** The first `count` photos of a split list (CSV: filename first), in the list's order. */
function photos(csv: string, count: number): string[] {
  const names = readFileSync(join(RACCOON, csv), 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[0]);
  return [...new Set(names)].slice(0, count);
}

test.describe('when the user fine-tunes 15 photos of their own with the recommended settings', () => {
  test('the recipe is shown, validation mAP is drawn, and the held-out photos are found', async ({ page, api, annotatePanel, trainPanel }, testInfo) => {
    test.setTimeout(600_000); // the run's own limit is asserted below; this only stops a hung page
    const train = photos('train_labels.csv', TRAIN_PHOTOS);
    const heldOut = photos('test_labels.csv', HELD_OUT_PHOTOS);
    const started = Date.now();
    await page.setViewportSize({ width: 1366, height: 1000 });
    await page.goto('/?backend=wasm&model=none');
    await api.ready();

    await test.step(`drop ${TRAIN_PHOTOS + HELD_OUT_PHOTOS} raccoon photos and their VOC boxes into the Annotate tab`, async () => {
      await annotatePanel.open();
      const files = [...train, ...heldOut].flatMap((name) => [
        { name, mimeType: 'image/jpeg', buffer: readFileSync(join(RACCOON, 'images', name)) },
        { name: name.replace(/\.jpg$/, '.xml'), mimeType: 'text/xml', buffer: readFileSync(join(RACCOON, 'annotations', name.replace(/\.jpg$/, '.xml'))) },
      ]);
      await annotatePanel.importInput.setInputFiles(files);
      await expect.poll(async () => (await api.annotate()).images.length).toBe(TRAIN_PHOTOS + HELD_OUT_PHOTOS);
      expect((await api.annotate()).images.every((i) => i.boxes > 0)).toBe(true);
    });

    await test.step(`mark ${HELD_OUT_PHOTOS} photos Held out: the recipe for the other ${TRAIN_PHOTOS} is recomputed`, async () => {
      await trainPanel.open();
      const before = (await api.train()).recipe;
      expect(before?.validationImages).toBe(4); // a fifth of the 20 images marked Train
      for (const name of heldOut) await trainPanel.split(name).selectOption('test');
      await expect(page.getByTestId('train.split-summary')).toHaveText(
        `${TRAIN_PHOTOS} images train (3 of them set aside to choose the iteration on: validation), ${HELD_OUT_PHOTOS} held out.`);
      const recipe = (await api.train()).recipe!;
      expect(recipe.validationImages).toBe(3);
      expect(recipe.trainImages).toBe(12);
      await expect(page.getByTestId('train.recipe')).toHaveText(
        /^Recommended for this set: \d+ iterations at \d+ px, learning rate 0\.01, choosing the iteration on 3 validation images, about \d+ minutes?\.$/);
      const choices = page.getByTestId('train.recipe-choices');
      for (const setting of ['scale', 'iterations', 'learning-rate', 'layers-that-learn', 'validation', 'after-validation', 'train-on']) {
        await expect(choices.getByTestId(`train.choice.${setting}`)).toBeVisible();
      }
      await expect(choices.getByTestId('train.choice.validation')).toContainText('3 images, every');
      await expect(choices.getByTestId('train.choice.scale')).toContainText('smallest class');
      await keepScreenshot(page, 'recipe');
    });

    await test.step('a changed setting is marked "set by you"; "Back to the recommended settings" undoes it', async () => {
      const recommended = (await api.train()).settings!.iterations;
      await trainPanel.iterations.fill('42');
      await trainPanel.iterations.dispatchEvent('change');
      await expect(page.getByTestId('train.iterations.mine')).toBeVisible();
      await expect(page.getByTestId('train.choice.iterations')).toContainText('iterations: 42 — set by you');
      await expect(page.getByTestId('train.recipe')).toContainText('with 1 setting set by you: 42 iterations');
      await page.getByTestId('train.recommended').click();
      await expect(page.getByTestId('train.iterations.mine')).toBeHidden();
      await expect(trainPanel.iterations).toHaveValue(String(recommended));
      expect((await api.train()).overrides).toEqual({});
      await expect(page.getByTestId('train.recommended')).toBeDisabled();
    });

    const plan = (await api.train()).settings!;
    expect(plan.backend).toBe('wasm');
    await test.step('start with the recommended settings: validation points appear while it runs', async () => {
      await trainPanel.start.click();
      await expect.poll(async () => (await api.train()).validation.length, { timeout: 400_000 }).toBeGreaterThanOrEqual(1);
      await expect(page.locator('[data-testid="train.validation-plot"] circle[data-iteration]')).not.toHaveCount(0);
      await expect(page.getByTestId('train.validation-caption')).toContainText(/Validation mAP on 3 images: \d+\.\d% at iteration \d+/);
      expect((await api.train()).running).toBe(true);
      await keepScreenshot(page, 'validating');
    });

    await test.step('the run ends within 3 minutes, with the weights of its best validation evaluation', async () => {
      await expect.poll(async () => (await api.train()).phase, { timeout: 480_000 }).toBe('done');
      const run = await api.train();
      // with the recipe's second run on train + validation, the last iterations reported are that run's
      expect(run.iteration).toBe(run.retrained ? run.retrained.iterations : plan.iterations);
      expect(run.retrained === null).toBe(!plan.retrainOnAll);
      expect(run.validation.length).toBeGreaterThanOrEqual(3);
      const best = Math.max(...run.validation.map((p) => p.mAP));
      const kept = run.validation.find((p) => p.iteration === run.chosenIteration)!;
      expect(kept.mAP).toBe(best);
      await expect(page.getByTestId('train.kept')).toContainText(`iteration ${kept.iteration} of ${plan.iterations}: validation mAP ${(kept.mAP * 100).toFixed(1)}%`);
      await expect(page.getByTestId('train.kept')).toContainText(`(validation: the best of ${run.validation.length} evaluations on 3 images).`);
      if (run.retrained) await expect(page.getByTestId('train.kept')).toContainText(`then trained again on all ${TRAIN_PHOTOS} images for ${run.retrained.iterations} iterations`);
      await expect(page.locator('[data-testid="train.validation-plot"] circle[data-kept]')).toHaveAttribute('data-kept', String(kept.iteration));
      await expect(trainPanel.apTable).toContainText('raccoon');
      // the stage shows the first held-out photo with what the kept model finds there
      await expect.poll(async () => (await api.train()).previewIteration, { timeout: 60_000 }).toBe(run.iteration);
      const preview = await api.train();
      const drawn = (await api.scene()).filter((o) => o.kind === 'detection').length;
      await keepScreenshot(page, 'done');
      const numbers = {
        iterations: plan.iterations, scale: plan.scale, seconds: run.seconds, phaseSeconds: run.phaseSeconds,
        validation: run.validation, chosenIteration: run.chosenIteration, retrained: run.retrained, heldOutAp: run.mAP,
        preview: { detections: preview.previewDetections, bestScore: preview.previewBestScore, drawn }, wholeTestSeconds: (Date.now() - started) / 1000,
      };
      writeFileSync(testInfo.outputPath('numbers.json'), JSON.stringify(numbers, null, 2));
      await testInfo.attach('numbers', { path: testInfo.outputPath('numbers.json'), contentType: 'application/json' });
      console.log(`ui_train_recipe: ${JSON.stringify(numbers)}`);
      expect(run.mAP!).toBeGreaterThan(AP_FLOOR);
      // the page-side preview runs the kept model, fine-tuned backbone layer included (measured: best score 0.97)
      expect(preview.previewBestScore!).toBeGreaterThan(0.5);
      expect(drawn).toBeGreaterThanOrEqual(1);
      // the whole run in the worker: proposals, features, both training runs, validation, the held-out evaluation, export
      expect(run.seconds!).toBeLessThanOrEqual(MAX_RUN_SECONDS);
    });
  });
});
