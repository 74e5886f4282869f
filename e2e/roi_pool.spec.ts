import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type * as tfTypes from '@tensorflow/tfjs';
import type * as ChecksModule from './fixtures/roi_pool_checks';
import type { PoolCase, PoolCaseReport } from './fixtures/roi_pool_checks';
import type * as GoldenCaseModule from '../src/kernels/roi_pool/testing/golden_case';
import type { RoiPoolGoldenCase } from '../src/kernels/roi_pool/testing/golden_case';
import type * as RoiPoolModule from '../src/kernels/roi_pool/roi_pool';

const golden = JSON.parse(readFileSync(new URL('../../shared/golden/roi_pool.json', import.meta.url), 'utf8'));
const CHECKS = '/e2e/fixtures/roi_pool_checks.ts';

type Checks = typeof ChecksModule;
type GoldenCase = typeof GoldenCaseModule;

async function checkCase(page: Page, c: PoolCase): Promise<PoolCaseReport> {
  return page.evaluate(async ([path, poolCase]) => {
    const checks = (await window.harness.load(path)) as unknown as Checks;
    return checks.checkPoolCase(poolCase);
  }, [CHECKS, c] as const);
}

/** One RoI per size 1..64 in each direction, at scale 1 so the size in cells is exact. */
function roisOfEverySize(): number[] {
  const rois: number[] = [];
  for (let size = 1; size <= 64; size += 1) rois.push(0, size % 9, size % 5, (size % 9) + 64 - size, (size % 5) + size - 1);
  return rois;
}

for (const backend of ['webgpu', 'webgl'] as const) {
  test.describe(`when RoI pooling runs on ${backend}`, () => {
    test.describe.configure({ mode: 'serial' });
    let page: Page;

    test.beforeAll(async ({ browser }) => {
      page = await browser.newPage();
      await page.goto(`/e2e/harness/index.html?backend=${backend}`);
      expect(await page.evaluate(() => window.harness.ready.then((choice) => choice.name))).toBe(backend);
    });
    test.afterEach(async () => {
      expect(await page.evaluate(() => window.harness.gpuErrors)).toEqual([]);
    });
    test.afterAll(async () => {
      await page.close();
    });

    test('it reproduces the golden file within 1e-5, on fresh and on reused buffers', async () => {
      const comparisons = await page.evaluate(async (cases) => {
        const m = (await window.harness.load('/src/kernels/roi_pool/testing/golden_case.ts')) as unknown as GoldenCase;
        const results = [];
        for (let run = 0; run < 2; run += 1) {
          for (const c of cases) results.push(m.compareRoiPoolCase(c, await m.runRoiPoolGoldenCase(c)).pass);
        }
        return results;
      }, golden.cases);
      expect(comparisons).toEqual(new Array(2 * golden.cases.length).fill(true));
    });

    if (backend === 'webgpu') {
      // The backward's plan (block size, RoI chunks) depends on the device class: SwiftShader gets a 256-thread plan,
      // GPUs a 16,384-thread one. The test hook runs the GPU plan here. (The forward has one plan on every device:
      // vec4 or scalar by C % 4 alone, and the golden file has both.)
      test('the backward plan of a GPU, forced on SwiftShader, reproduces the golden file within 1e-5', async () => {
        const result = await page.evaluate(
          async ([checksPath, cases]) => {
            const checks = (await window.harness.load(checksPath)) as unknown as Checks;
            const m = (await window.harness.load('/src/kernels/roi_pool/testing/golden_case.ts')) as unknown as GoldenCase;
            const differentBlocks = cases.filter((c) => {
              const [n, ch, h, w] = c.featuresShapeNCHW;
              const tileFor = (device: 'software' | 'gpu') => checks.backwardPlanFor([n, h, w, ch], c.rois.length, device).tileSize;
              return tileFor('software') !== tileFor('gpu');
            }).length;
            const forced = checks.forceBackwardPlan('gpu');
            try {
              const passes: boolean[] = [];
              for (let run = 0; run < 2; run += 1) {
                for (const c of cases) passes.push(m.compareRoiPoolCase(c, await m.runRoiPoolGoldenCase(c)).pass);
              }
              return { forced, differentBlocks, passes };
            } finally {
              checks.forceBackwardPlan(null);
            }
          },
          [CHECKS, golden.cases as RoiPoolGoldenCase[]] as const,
        );
        expect(result.forced).toEqual({ kernelSeesHook: true, adapterDevice: 'software', minThreads: 16384 });
        // Cases 3, 5 and 6 get other blocks than on SwiftShader's plan (the others reach the smallest block either way).
        expect(result.differentBlocks).toBe(3);
        expect(result.passes).toEqual(new Array(2 * golden.cases.length).fill(true));
      });

      test('the backward plan of a GPU, forced, adds 1,100 RoIs in three chunks within float32 rounding', async () => {
        const { plans, report } = await page.evaluate(async (path) => {
          const checks = (await window.harness.load(path)) as unknown as Checks;
          const c: PoolCase = { shape: [1, 30, 40, 3], rois: checks.randomRois(1100, 1, 30, 40, 1 / 16, 11), pooled: 7, spatialScale: 1 / 16, values: 'random', runs: 2 };
          const plans = { software: checks.backwardPlanFor(c.shape, 1100, 'software'), gpu: checks.backwardPlanFor(c.shape, 1100, 'gpu') };
          checks.forceBackwardPlan('gpu');
          try {
            return { plans, report: await checks.checkPoolCase(c) };
          } finally {
            checks.forceBackwardPlan(null);
          }
        }, CHECKS);
        expect(plans).toMatchObject({ software: { tileSize: 5, numChunks: 3 }, gpu: { tileSize: 2, numChunks: 3 } });
        expect(report).toMatchObject({ forwardMaxError: 0, backwardRunsIdentical: true, backwardMaxError: expect.closeTo(0, 5) });
      });
    }

    test('bin edges follow torchvision f32 arithmetic for RoI sides 1-64 in 2, 3, 6, 7 and 14 bins', async () => {
      for (const pooled of [2, 3, 6, 7, 14]) {
        await test.step(`${pooled} x ${pooled} bins`, async () => {
          const c: PoolCase = { shape: [1, 70, 70, 1], rois: roisOfEverySize(), pooled, spatialScale: 1, values: 'index', runs: 1 };
          expect(await checkCase(page, c)).toMatchObject({ forwardMaxError: 0, backwardBitExact: true });
        });
      }
    });

    test('corners scaled by 1/16 round like C round() on random RoIs', async () => {
      const rois = await page.evaluate(async (path) => {
        const checks = (await window.harness.load(path)) as unknown as Checks;
        return checks.randomRois(300, 2, 30, 40, 1 / 16, 5);
      }, CHECKS);
      const c: PoolCase = { shape: [2, 30, 40, 3], rois, pooled: 7, spatialScale: 1 / 16, values: 'index', runs: 1 };
      expect(await checkCase(page, c)).toMatchObject({ forwardMaxError: 0, backwardBitExact: true });
    });

    test('R = 0 gives an empty result and a zero gradient', async () => {
      const result = await page.evaluate(async () => {
        const { tf } = window.harness;
        const { roiPool } = (await window.harness.load('/src/kernels/roi_pool/roi_pool.ts')) as unknown as typeof RoiPoolModule;
        const [features, rois] = [tf.ones([1, 5, 5, 4]) as tfTypes.Tensor4D, tf.zeros([0, 5]) as tfTypes.Tensor2D];
        const y = roiPool(features, rois, 7, 7, 1 / 16);
        const dx = tf.grad((x) => roiPool(x as typeof features, rois, 7, 7, 1 / 16))(features);
        const out = { shape: y.shape, dxSum: (await dx.sum().data())[0] };
        tf.dispose([features, rois, y, dx]);
        return out;
      });
      expect(result).toEqual({ shape: [0, 7, 7, 4], dxSum: 0 });
    });

    test('50,000 RoIs, past 65,535 workgroups per dispatch, match the reference', async () => {
      const rois = await page.evaluate(async (path) => {
        const checks = (await window.harness.load(path)) as unknown as Checks;
        return checks.randomRois(50_000, 1, 6, 8, 1 / 16, 9);
      }, CHECKS);
      const c: PoolCase = { shape: [1, 6, 8, 2], rois, pooled: 7, spatialScale: 1 / 16, values: 'random', runs: backend === 'webgpu' ? 2 : 1 };
      // webgpu splits this many RoIs into chunks of 512 and adds the chunks' sums: a different float32 rounding from
      // the reference's single running sum, bounded by ~600 float32 epsilons of the terms' magnitude.
      const backward = backend === 'webgl' ? { backwardBitExact: true } : { backwardMaxError: expect.closeTo(0, 4) };
      expect(await checkCase(page, c)).toMatchObject({ outputShape: [50_000, 7, 7, 2], forwardMaxError: 0, backwardRunsIdentical: true, ...backward });
    });

    test('1,024 channels match the reference', async () => {
      const rois = [0, 0, 0, 100, 80, 0, 30, 20, 90, 90, 0, 64, 8, 72, 40];
      const c: PoolCase = { shape: [1, 6, 7, 1024], rois, pooled: 7, spatialScale: 1 / 16, values: 'random', runs: 1 };
      expect(await checkCase(page, c)).toMatchObject({ outputShape: [3, 7, 7, 1024], forwardMaxError: 0, backwardBitExact: true });
    });

    test('the backward gives the same bits on every run, with ties and overlapping RoIs', async () => {
      const rois = await page.evaluate(async (path) => {
        const checks = (await window.harness.load(path)) as unknown as Checks;
        return checks.randomRois(400, 1, 12, 16, 1 / 16, 3);
      }, CHECKS);
      const c: PoolCase = { shape: [1, 12, 16, 8], rois, pooled: 7, spatialScale: 1 / 16, values: 'ties', runs: 3 };
      expect(await checkCase(page, c)).toMatchObject({ backwardRunsIdentical: true, backwardBitExact: true, forwardMaxError: 0 });
    });

    test('100 forward + backward calls leave no tensor behind', async () => {
      const { before, after } = await page.evaluate(async (path) => {
        const checks = (await window.harness.load(path)) as unknown as Checks;
        return checks.memoryAcrossCalls(100);
      }, CHECKS);
      expect(after).toEqual(before);
    });
  });
}
