import { test, expect } from '@playwright/test';
import { resolve } from 'node:path';
import type { runResume, runSmoke, SmokeImage } from '../src/training/smoke';

// Four BCCD images (shared/datasets, next to the repo in CI), boxes in continuous pixels.
const BCCD = resolve(import.meta.dirname, '../../shared/datasets/bccd/JPEGImages');
const images: SmokeImage[] = [
  { url: `/@fs${BCCD}/BloodImage_00000.jpg`, width: 640, height: 480, gtBoxes: [259, 176, 367, 286, 77, 335, 193, 447, 63, 237, 169, 328], gtClasses: [3, 2, 2] },
  { url: `/@fs${BCCD}/BloodImage_00001.jpg`, width: 640, height: 480, gtBoxes: [67, 249, 164, 325, 213, 167, 352, 302, 470, 40, 566, 130], gtClasses: [2, 3, 2] },
  { url: `/@fs${BCCD}/BloodImage_00002.jpg`, width: 640, height: 480, gtBoxes: [300, 200, 400, 300, 100, 60, 190, 150], gtClasses: [3, 2] },
  { url: `/@fs${BCCD}/BloodImage_00003.jpg`, width: 640, height: 480, gtBoxes: [400, 100, 500, 200, 120, 300, 150, 330], gtClasses: [2, 1] },
];

test.describe('when a model is fine-tuned in the training worker', () => {
  test('the loss goes down, pause/resume works, and the saved model loads and detects', async ({ page }) => {
    test.setTimeout(110_000);
    await page.goto('/e2e/harness/index.html?backend=cpu');
    const result = await page.evaluate(async (input) => {
      await window.harness.ready;
      const mod = (await window.harness.load('/src/training/smoke.ts')) as { runSmoke: typeof runSmoke };
      return mod.runSmoke(input, ['Platelets', 'RBC', 'WBC'], 12, 'wasm');
    }, images);
    await test.step('the loss of the last iterations is below that of the first', () => {
      const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
      expect(result.iterations).toBe(12);
      expect(mean(result.losses.slice(-3))).toBeLessThan(mean(result.losses.slice(0, 3)));
    });
    await test.step('training paused (between iterations, after the request) and resumed to the end', () => {
      expect(result.pausedAt).toBeGreaterThanOrEqual(3);
      expect(result.pausedAt).toBeLessThan(12);
    });
    await test.step('the held-out evaluation reports both metrics', () => {
      expect(result.evaluation?.images).toBe(1);
      expect(Number.isFinite(result.evaluation?.metric.voc07.mAP)).toBe(true);
    });
    await test.step('the saved weights load back exactly and the detector runs', () => {
      expect(result.weightsMatch).toBe(true);
      expect(result.modelBytes).toBeGreaterThan(0);
      expect(result.detections).toBeGreaterThanOrEqual(0);
    });
  });

  test('a reload resumes from the IndexedDB checkpoint instead of starting over', async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto('/e2e/harness/index.html?backend=cpu');
    const result = await page.evaluate(async (input) => {
      await window.harness.ready;
      const mod = (await window.harness.load('/src/training/smoke.ts')) as { runResume: typeof runResume };
      return mod.runResume(input.slice(0, 2), ['Platelets', 'RBC', 'WBC'], 3, 6);
    }, images);
    expect(result.firstIterationAfterResume).toBe(4);
    expect(result.finalIterations).toBe(6);
  });
});
