/**
 * Faults the detector and the trainer must survive (issue 9, items 3 and 4): a lost WebGPU device during
 * detection and during training, a NaN loss, and a reload in the middle of training. Kept small for SwiftShader:
 * detection at input scale 320 over a few supplied proposals, training a tiny head for a few iterations.
 */
import { test, expect } from '@playwright/test';
import { resolve } from 'node:path';
import type * as Api from '../src/api/create_detector';
import type * as DeviceLossModule from '../src/runtime/device_loss';

const BCCD = resolve(import.meta.dirname, '../../shared/datasets/bccd/JPEGImages');
const SAMPLE = `/@fs${BCCD}/BloodImage_00000.jpg`;
const PROPOSALS: [number, number, number, number][] = [[259, 176, 367, 286], [77, 335, 193, 447], [63, 237, 169, 328], [300, 30, 420, 140]];

test.describe('when the WebGPU device is lost during detection', () => {
  test('the detector restarts WebGPU, reloads the weights and finishes the run with the same detections', async ({ page }) => {
    test.setTimeout(60_000);
    await page.goto('/e2e/harness/index.html?backend=webgpu');
    const outcome = await page.evaluate(async ({ sample, proposals }) => {
      await window.harness.ready;
      const { createDetector } = (await window.harness.load('/src/api/create_detector.ts')) as typeof Api;
      const faults = (await window.harness.load('/src/runtime/device_loss.ts')) as typeof DeviceLossModule;
      const detector = await createDetector({ model: '/models/bccd/model.json' });
      const notices: string[] = [];
      let lostMidRun = false;
      // the device dies as the network stage starts: the weights uploaded at load time are gone
      const result = await detector.detect(sample, {
        proposals, inputScale: 320, scoreThreshold: 0,
        onProgress: (p) => {
          if (p.stage === 'network' && !lostMidRun) lostMidRun = faults.loseDeviceForTesting();
          if (p.notice) notices.push(p.notice);
        },
      });
      const backend = detector.backend;
      detector.dispose();
      return { objects: result.objects.map((o) => ({ label: o.label, score: o.score })), lostMidRun, notices, backend, resultBackend: result.backend };
    }, { sample: SAMPLE, proposals: PROPOSALS });
    await test.step('the run completes on a new WebGPU device with the detections of an undisturbed run', () => {
      expect(outcome.lostMidRun).toBe(true);
      // What the same call gives on a device that was never lost (checked side by side when this test was written):
      // one RBC at 0.353. Weights lost and not reloaded would give no detection or uniform scores.
      expect(outcome.objects).toHaveLength(1);
      expect(outcome.objects[0].label).toBe('RBC');
      expect(outcome.objects[0].score).toBeCloseTo(0.353, 2);
      expect(outcome.resultBackend).toBe('webgpu');
      expect(outcome.backend).toBe('webgpu');
    });
    await test.step('the user is told what happened', () => {
      expect(outcome.notices.filter((n) => /GPU device was lost/.test(n) && /WebGPU was restarted/.test(n))).toHaveLength(1);
    });
  });
});
