/**
 * The Detect tab through a lost WebGPU device: the device dies while the page is idle (as after a driver reset),
 * the next detection notices it (device.lost), restarts WebGPU, reloads the model and runs, and the page says so.
 * The page must run on WebGPU here, where SwiftShader's cost grows with the backbone's input and the proposals: the
 * default model is served at input scale 240 (its weights unchanged) and the image is a 240 x 180 crop of a BCCD
 * photo around its white cell, so the run after the restart is a 320 x 240 backbone over ~300 proposals instead of
 * 1067 x 800 over ~1,600 (measured on wasm: the white cell still scores 1.00). The device
 * is the detection worker's (issue 17: the app detects off the main thread); the worker tells the page of the restart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type * as WorkerDetector from '../src/api/worker_detector';
import { expect, REPO_ROOT, SHARED_DATASETS, test } from './page_objects';

const PHOTO = join(SHARED_DATASETS, 'bccd', 'JPEGImages', 'BloodImage_00011.jpg');
/** x, y, width, height in the photo: its white cell (VOC box 109-304 x 119-332) and a few red cells around it. */
const CROP = [80, 110, 240, 180] as const;

/** The default model's saved config at input scale 240; its weights are unchanged. */
function smallScaleModelJson(): string {
  const model = JSON.parse(readFileSync(join(REPO_ROOT, 'public', 'models', 'bccd', 'model.json'), 'utf8'));
  model.modelTopology.config.input = { scales: [240], maxSize: 320 };
  return JSON.stringify(model);
}

/** The crop as a PNG file's bytes, cut by the page's own canvas. */
async function croppedPhoto(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async ({ url, crop: [x, y, width, height] }) => {
    const photo = await createImageBitmap(await (await fetch(url)).blob());
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d')!.drawImage(photo, x, y, width, height, 0, 0, width, height);
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  }, { url: `/@fs${PHOTO}`, crop: CROP });
  return Buffer.from(base64, 'base64');
}

test.describe('when the GPU device is lost while the Detect tab is idle', () => {
  test('the next detection restarts WebGPU, reloads the model, runs, and the page says so', async ({ page, api, detectPanel }) => {
    test.setTimeout(240_000);
    await page.route('**/models/bccd/model.json', (route) => route.fulfill({ body: smallScaleModelJson(), contentType: 'application/json' }));
    await page.goto('/?backend=webgpu');
    await api.ready();
    await expect(page.getByTestId('backend.name')).toHaveText('webgpu');
    await expect.poll(async () => (await api.models()).state, { timeout: 120_000 }).toBe('ready');
    const lost = await page.evaluate(async () => {
      const path = '/src/api/worker_detector.ts'; // the page's one detection worker (kept on globalThis)
      const { detectionWorkerForTesting } = (await import(/* @vite-ignore */ path)) as typeof WorkerDetector;
      return detectionWorkerForTesting('lose-device');
    });
    expect(lost).toBe(true);
    await detectPanel.fileInput.setInputFiles({ name: 'BloodImage_00011-white-cell.png', mimeType: 'image/png', buffer: await croppedPhoto(page) });
    await expect.poll(async () => (await api.detect()).run, { timeout: 200_000 }).toBe('done');
    await expect(page.getByTestId('backend.notice')).toBeVisible();
    await expect(page.getByTestId('backend.notice')).toContainText(/GPU device was lost \(Device was destroyed\); WebGPU was restarted and the model reloaded/);
    await expect(page.getByTestId('backend.name')).toHaveText('webgpu');
    expect((await api.models()).state).toBe('ready');
    // the reloaded weights find the white cell in the crop, as on wasm (score 1.00)
    const drawn = (await api.scene()).filter((o) => o.kind === 'detection').map((o) => o.label ?? '');
    expect(drawn.filter((label) => /^WBC 0\.9\d$|^WBC 1\.00$/.test(label))).toHaveLength(1);
  });
});
