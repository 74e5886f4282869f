/**
 * A page reload in the middle of fine-tuning: the Fine-tune tab offers the interrupted run, and resuming it goes on
 * from the run's last checkpoint (the app checkpoints about ten times a run, at least 10 iterations apart), so at
 * most one checkpoint interval of work is lost. On the wasm backend at scale 320, as in ui_train.spec.ts.
 */
import { join } from 'node:path';
import { expect, SHARED_DATASETS, test } from './page_objects';

const BCCD = join(SHARED_DATASETS, 'bccd');
const NAMES = ['BloodImage_00000', 'BloodImage_00001'];
const ITERATIONS = 20; // checkpoints every max(10, 20 / 10) = 10 iterations

test.describe('when the page is reloaded in the middle of fine-tuning', () => {
  test('the run can be resumed from its last checkpoint, losing at most one interval', async ({ page, api, annotatePanel, trainPanel }) => {
    test.setTimeout(240_000);
    await page.goto('/?backend=wasm&model=none');
    await api.ready();

    await test.step('start a run on two annotated images', async () => {
      await annotatePanel.open();
      await annotatePanel.importInput.setInputFiles([...NAMES.map((n) => join(BCCD, 'JPEGImages', `${n}.jpg`)), ...NAMES.map((n) => join(BCCD, 'Annotations', `${n}.xml`))]);
      await expect.poll(async () => (await api.annotate()).images.length).toBe(2);
      await trainPanel.open();
      await trainPanel.iterations.fill(String(ITERATIONS));
      await trainPanel.iterations.dispatchEvent('change');
      await trainPanel.scale.selectOption('320');
      await trainPanel.start.click();
    });

    let lastSeen = 0;
    await test.step('reload one iteration after the checkpoint at 10', async () => {
      await expect.poll(async () => (await api.train()).iteration, { timeout: 180_000 }).toBeGreaterThanOrEqual(11);
      lastSeen = (await api.train()).iteration;
      expect(lastSeen).toBeLessThan(20); // still before the next checkpoint
      await page.reload();
      await api.ready();
    });

    await test.step('the tab offers the interrupted run and resumes it after its checkpoint', async () => {
      await expect.poll(async () => (await api.annotate()).images.length).toBe(2);
      await trainPanel.open();
      await expect(page.getByTestId('train.interrupted')).toHaveText(/interrupted .* after its checkpoint at iteration 10 of 20/);
      expect((await api.train()).interrupted).toEqual({ checkpoint: 10, iterations: ITERATIONS });
      await page.getByTestId('train.resume-run').click();
      await expect.poll(async () => (await api.train()).phase, { timeout: 180_000 }).toBe('done');
      const run = await api.train();
      expect(run.firstIteration).toBe(11);
      expect(lastSeen - (run.firstIteration! - 1)).toBeLessThanOrEqual(10); // at most one checkpoint interval redone
      expect(run.iteration).toBe(ITERATIONS);
      expect(run.hasModel).toBe(true);
      await expect(page.getByTestId('train.interrupted')).toBeHidden();
    });
  });
});
