/**
 * Issue 9, item 6 (d): a full storage quota is reported, never swallowed, and the work in memory is kept. The
 * site's quota is set to a few bytes through the DevTools protocol (Storage.overrideQuotaForOrigin), so every
 * IndexedDB write fails with a real QuotaExceededError, in the page and in the training worker alike. Then the
 * annotation autosave, the training checkpoint, the model save (and the library's detector.save) each say so, and once the quota is lifted the
 * model kept in memory saves after all, and the annotations autosave completely.
 */
import type { CDPSession, Page } from '@playwright/test';
import type * as CreateDetector from '../src/api/create_detector';
import { expect, test } from './page_objects';
import { tinyPng, vocXml } from './privacy_support';

const FULL = /storage for this site is full \(QuotaExceededError\)/;

async function setQuota(cdp: CDPSession, page: Page, quotaSize: number | undefined): Promise<void> {
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', quotaSize === undefined ? { origin } : { origin, quotaSize });
}

test.describe('when the browser storage is full', () => {
  test('autosave, checkpoint and model save say so, and nothing in memory is lost', async ({ page, context, api, stage, annotatePanel, trainPanel, modelsPanel }) => {
    test.setTimeout(90_000);
    await page.goto('/?backend=wasm&model=none');
    await api.ready();
    const cdp = await context.newCDPSession(page);
    await setQuota(cdp, page, 1);

    await test.step('annotation autosave: an error in the status line, the images stay', async () => {
      const image = await tinyPng(page, 'disc.png');
      await annotatePanel.open();
      await annotatePanel.importInput.setInputFiles([image, vocXml('disc.png', 160, 120, [{ name: 'WBC', box: [41, 21, 120, 100] }])]);
      await expect(stage.status).toContainText('Autosave failed');
      await expect(stage.status).toContainText(FULL);
      await expect(stage.status).toContainText('Your annotations are kept in this tab');
      expect((await api.annotate()).save).toBe('error');
      expect((await api.annotate()).images).toHaveLength(1);
    });

    await test.step('training: the checkpoint cannot be stored; the run still finishes with its model', async () => {
      await trainPanel.open();
      await trainPanel.iterations.fill('2');
      await trainPanel.iterations.dispatchEvent('change');
      await trainPanel.start.click();
      await expect.poll(async () => (await api.train()).phase, { timeout: 60_000 }).toBe('done');
      await expect(stage.status).toContainText('Fine-tuning finished: 2 iterations');
      await expect(stage.status).toContainText('the checkpoint at iteration 2 was not saved');
      await expect(stage.status).toContainText(FULL);
      expect((await api.train()).hasModel).toBe(true);
    });

    await test.step('saving the model: an error, the trained model stays ready to save', async () => {
      await trainPanel.modelName.fill('full-disk');
      await trainPanel.save.click();
      await expect(stage.status).toContainText('The model could not be stored');
      await expect(stage.status).toContainText(FULL);
      expect(await api.train()).toMatchObject({ hasModel: true, savedAs: null });
      await expect(trainPanel.saved).toHaveText('Not saved yet.');
    });

    await test.step('the library: detector.save(\'indexeddb://…\') rejects with a QuotaExceededError', async () => {
      const outcome = await page.evaluate(async () => {
        const url = '/src/api/create_detector.ts';
        const { createDetector } = (await import(/* @vite-ignore */ url)) as typeof CreateDetector;
        // the weights come from the detection worker; the page writes them (tf.io) and checks they were stored
        const detector = await createDetector({ model: '/models/bccd/model.json', backend: 'wasm' });
        try {
          await detector.save('indexeddb://library-full');
          return 'saved';
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message}`;
        } finally {
          detector.dispose();
        }
      });
      expect(outcome).toMatch(/^QuotaExceededError: the model “indexeddb:\/\/library-full” was not stored/);
    });

    await test.step('with room again, the same model saves', async () => {
      await setQuota(cdp, page, undefined);
      await trainPanel.save.click();
      await expect(trainPanel.saved).toContainText('Saved as “full-disk”');
      await modelsPanel.open();
      await expect(modelsPanel.row('full-disk')).toBeVisible();
    });

    await test.step('with room again, the next autosave stores the whole set (the image too), so it survives a reload', async () => {
      await annotatePanel.open();
      await annotatePanel.className.fill('RBC');
      await annotatePanel.classAdd.click();
      await expect.poll(async () => (await api.annotate()).save).toBe('saved');
      await page.reload();
      await api.ready();
      await expect.poll(async () => (await api.annotate()).images.map((i) => i.name)).toEqual(['disc.png']);
    });
  });
});
