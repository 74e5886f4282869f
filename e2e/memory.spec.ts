/**
 * Issue 9, item 5: long runs do not leak. 200 detections through the library's detect path (createDetector, supplied
 * proposals, a small image so the loop stays short) and 200 iterations of the real training loop in its worker, with
 * tf.memory() read after every step: after a warm-up, the tensor count and the bytes held stay exactly the same.
 * Detection runs in the page's detection worker (issue 17), so its tf.memory() is the worker's, read through the
 * worker's test hook; the page itself holds no tensor, and dispose() frees the model there. Both workers run on wasm,
 * the backend the app chooses here: the point is the bookkeeping, not WebGPU (a WebGPU detection of a 600 px image
 * takes minutes on SwiftShader). On the CPU backend the detection test passed too, in 19-21 s against 15 s (load 6).
 */
import { test, expect } from '@playwright/test';
import { resolve } from 'node:path';
import type { detectionMemory, MemorySample, trainingMemory } from './fixtures/memory_runs';

const RUNS = 200;
const WARM_UP = 5;
const BCCD = resolve(import.meta.dirname, '../../shared/datasets/bccd/JPEGImages');
const IMAGE = { url: `/@fs${BCCD}/BloodImage_00000.jpg`, width: 640, height: 480, gtBoxes: [259, 176, 367, 286, 77, 335, 193, 447, 63, 237, 169, 328], gtClasses: [3, 2, 2] };

type Runs = { detectionMemory: typeof detectionMemory; trainingMemory: typeof trainingMemory };

/** The distinct values of one tf.memory() field after the warm-up. */
function distinct(samples: readonly MemorySample[], field: keyof MemorySample): number[] {
  return [...new Set(samples.slice(WARM_UP).map((s) => s[field]))];
}

test.describe('when the detector and the trainer run for a long time', () => {
  test(`${RUNS} detections leave tf.memory() flat`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto('/e2e/harness/index.html?backend=cpu');
    const run = await page.evaluate(async (runs) => {
      await window.harness.ready;
      const mod = (await window.harness.load('/e2e/fixtures/memory_runs.ts')) as Runs;
      return mod.detectionMemory('/models/bccd/model.json', runs, 64, 'wasm');
    }, RUNS);
    test.info().annotations.push({ type: 'detections', description: `${RUNS} on ${run.backend} in ${(run.millis / 1000).toFixed(1)} s; ${run.after.at(-1)?.numTensors} tensors held in the worker` });
    expect(run.backend).toBe('wasm');
    expect(run.after).toHaveLength(RUNS);
    expect(run.proposals).toBeGreaterThan(0);
    expect(distinct(run.after, 'numTensors')).toEqual([run.after[WARM_UP].numTensors]);
    expect(distinct(run.after, 'numBytes')).toEqual([run.after[WARM_UP].numBytes]);
    expect(run.after[WARM_UP].numTensors).toBeGreaterThan(run.before.numTensors); // the weights: the worker's memory is what is read
    expect(run.page.numTensors).toBe(0);
    expect(run.modelsAfterDispose).toBe(0);
  });

  test(`${RUNS} training iterations leave the worker's tf.memory() flat`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto('/e2e/harness/index.html?backend=cpu');
    const run = await page.evaluate(
      async ({ image, runs }) => {
        await window.harness.ready;
        const mod = (await window.harness.load('/e2e/fixtures/memory_runs.ts')) as Runs;
        return mod.trainingMemory(image, ['Platelets', 'RBC', 'WBC'], runs);
      },
      { image: IMAGE, runs: RUNS },
    );
    test.info().annotations.push({ type: 'training', description: `${run.iterations} iterations in ${run.seconds.toFixed(1)} s; ${run.memory.at(-1)?.numTensors} tensors held` });
    expect(run.iterations).toBe(RUNS);
    expect(run.memory).toHaveLength(RUNS);
    expect(distinct(run.memory, 'numTensors')).toEqual([run.memory[WARM_UP].numTensors]);
    expect(distinct(run.memory, 'numBytes')).toEqual([run.memory[WARM_UP].numBytes]);
  });
});
