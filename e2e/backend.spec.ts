import { test, expect } from '@playwright/test';

test.describe('when the page starts', () => {
  test('it runs on WebGPU in the CI browser and says so', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('backend.name')).toHaveText('webgpu');
    await expect(page.getByTestId('backend.notice')).toBeHidden();
  });

  test('a tfjs op runs on the webgpu backend', async ({ page }) => {
    await page.goto('/e2e/harness/index.html?backend=webgpu');
    const result = await page.evaluate(async () => {
      const { tf, ready, gpuErrors } = window.harness;
      await ready;
      const a = tf.tensor2d([
        [1, 2],
        [3, 4],
      ]);
      const product = tf.matMul(a, a);
      const values = Array.from(await product.data());
      tf.dispose([a, product]);
      return { backend: tf.getBackend(), values, gpuErrors };
    });
    expect(result.backend).toBe('webgpu');
    expect(result.values).toEqual([7, 10, 15, 22]);
    expect(result.gpuErrors).toEqual([]);
  });

  test('without WebGPU it falls back and shows a plain-language notice', async ({ page }) => {
    // Hide navigator.gpu before any script runs, as in a browser without WebGPU.
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    await page.goto('/');
    await expect(page.getByTestId('backend.name')).toHaveText(/^(webgl|cpu)$/);
    const notice = page.getByTestId('backend.notice');
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('WebGPU is not available');
  });
});

test.describe('when neither WebGPU nor WebGL is available', () => {
  test('it runs on the CPU and says so', async ({ page }) => {
    // As in a browser with WebGPU off and WebGL blocklisted: no navigator.gpu, and no WebGL context on any canvas.
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
      for (const proto of [HTMLCanvasElement.prototype, OffscreenCanvas.prototype] as { getContext: (type: string, ...rest: unknown[]) => unknown }[]) {
        const original = proto.getContext;
        proto.getContext = function (this: unknown, type: string, ...rest: unknown[]) {
          return /webgl/i.test(type) ? null : original.call(this, type, ...rest);
        };
      }
    });
    await page.goto('/?model=none');
    await expect(page.getByTestId('backend.name')).toHaveText('cpu');
    const notice = page.getByTestId('backend.notice');
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('WebGPU is not available');
    await expect(notice).toContainText('runs on the CPU');
  });
});
