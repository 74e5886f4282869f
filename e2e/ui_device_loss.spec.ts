/**
 * The Detect tab through a lost WebGPU device: the device dies while the page is idle (as after a driver reset),
 * the next detection notices it (device.lost), restarts WebGPU, reloads the model and runs, and the page says so.
 * The page must run on WebGPU here, so the one detection (model scale 600) takes a while on SwiftShader. The device
 * is the detection worker's (issue 17: the app detects off the main thread); the worker tells the page of the restart.
 */
import { join } from 'node:path';
import type * as WorkerDetector from '../src/api/worker_detector';
import { expect, SHARED_DATASETS, test } from './page_objects';

test.describe('when the GPU device is lost while the Detect tab is idle', () => {
  test('the next detection restarts WebGPU, reloads the model, runs, and the page says so', async ({ page, api, detectPanel }) => {
    test.setTimeout(240_000);
    await page.goto('/?backend=webgpu');
    await api.ready();
    await expect(page.getByTestId('backend.name')).toHaveText('webgpu');
    await expect.poll(async () => (await api.models()).state, { timeout: 60_000 }).toBe('ready');
    const lost = await page.evaluate(async () => {
      const path = '/src/api/worker_detector.ts'; // the page's one detection worker (kept on globalThis)
      const { detectionWorkerForTesting } = (await import(/* @vite-ignore */ path)) as typeof WorkerDetector;
      return detectionWorkerForTesting('lose-device');
    });
    expect(lost).toBe(true);
    await detectPanel.fileInput.setInputFiles(join(SHARED_DATASETS, 'bccd', 'JPEGImages', 'BloodImage_00011.jpg'));
    await expect.poll(async () => (await api.detect()).run, { timeout: 200_000 }).toBe('done');
    await expect(page.getByTestId('backend.notice')).toBeVisible();
    await expect(page.getByTestId('backend.notice')).toContainText(/GPU device was lost \(Device was destroyed\); WebGPU was restarted and the model reloaded/);
    await expect(page.getByTestId('backend.name')).toHaveText('webgpu');
    expect((await api.models()).state).toBe('ready');
    expect((await api.detect()).detectionKeys.length).toBeGreaterThan(0);
  });
});
