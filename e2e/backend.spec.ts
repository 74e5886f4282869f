import { test, expect, type Page } from '@playwright/test';
import type * as SelectBackend from '../src/runtime/select_backend';

/** Hides navigator.gpu before any script runs, as in a browser without WebGPU. */
async function withoutWebGpu(page: Page): Promise<void> {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
}

// ?model=none throughout: these tests are about the backend, and loading a model would only add time.
test.describe('when the page starts (headless Chromium here: WebGPU and WebGL on SwiftShader, 2 cores)', () => {
  test('the automatic choice is wasm, the page says the WebGPU adapter is a software renderer, and remembers it', async ({ page }) => {
    await page.goto('/?model=none');
    await expect(page.getByTestId('backend.name')).toHaveText('wasm');
    const reason = page.getByTestId('backend.reason');
    await expect(reason).toHaveText('The WebGPU adapter is a software renderer (SwiftShader): using wasm, 2 threads.');
    await expect(page.getByTestId('backend.notice')).toBeHidden(); // a deliberate choice, not a failure
    await expect(page.getByTestId('backend.select')).toHaveValue('auto');
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('frcnn.backend.remembered') ?? 'null') as { name: string; fingerprint: string } | null);
    expect(stored?.name).toBe('wasm');
    expect(stored?.fingerprint).toContain('SwiftShader');

    await test.step('the next visit uses the remembered choice and says so', async () => {
      await page.reload();
      await expect(page.getByTestId('backend.name')).toHaveText('wasm');
      await expect(reason).toHaveText('Remembered from an earlier visit: the WebGPU adapter is a software renderer (SwiftShader): using wasm, 2 threads.');
    });

    await test.step('"Measure again" forgets it and chooses afresh (nothing to time here: wasm is the only non-software candidate)', async () => {
      await page.getByTestId('backend.measure').click();
      await expect(reason).toHaveText('The WebGPU adapter is a software renderer (SwiftShader): using wasm, 2 threads.');
      await expect(page).toHaveURL(/\/\?model=none$/); // ?measure is dropped once measured, so a reload does not probe again
    });

    await test.step('the select switches the backend by reloading with ?backend=', async () => {
      await page.getByTestId('backend.select').selectOption('cpu');
      await expect(page).toHaveURL(/[?&]backend=cpu/);
      await expect(page.getByTestId('backend.name')).toHaveText('cpu');
      await expect(reason).toHaveText('Asked for cpu: using the CPU backend (plain JavaScript).');
      await expect(page.getByTestId('backend.select')).toHaveValue('cpu');
    });
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

  test('the probe times the candidates it is given, takes the fastest, and returns plain data', async ({ page }) => {
    await page.goto('/e2e/harness/index.html?backend=cpu');
    const choice = await page.evaluate(async () => {
      await window.harness.ready;
      const { chooseBackend } = (await window.harness.load('/src/runtime/select_backend.ts')) as typeof SelectBackend;
      const started = performance.now();
      const result = await chooseBackend({ measure: ['wasm', 'cpu'] });
      return { ...result, wallMs: performance.now() - started };
    });
    expect(choice.basis).toBe('measured');
    expect(choice.probe?.map((t) => t.name)).toEqual(['wasm', 'cpu']);
    const [wasm, cpu] = choice.probe!;
    for (const timing of [wasm, cpu]) {
      expect(timing.error).toBeNull();
      expect(timing.ms).toBeGreaterThan(0);
      expect(timing.runs).toBeGreaterThanOrEqual(1);
    }
    // which one wins depends on the load (wasm usually, by 2-5x); the choice must be the measured winner
    const [fastest, slower] = wasm.ms! <= cpu.ms! ? [wasm, cpu] : [cpu, wasm];
    expect(choice.name).toBe(fastest.name);
    expect(choice.skipped).toEqual([expect.objectContaining({ name: slower.name, error: expect.stringMatching(/^slower in the probe/) })]);
    expect(choice.reason).toMatch(new RegExp(`^asked to measure wasm, cpu; measured ${fastest.name} [\\d.]+ ms, ${slower.name} [\\d.]+ ms: ${fastest.name} is the fastest: using `));
    expect(choice.wallMs).toBeLessThan(10_000); // ~0.5 s on a quiet machine: a warm-up and at most 3 runs of ~50 MFLOP each
    // plain data: it survives a worker boundary (structured clone) unchanged
    expect(structuredClone(choice)).toEqual(choice);
  });
});

/** The automatic choice, made in the harness page (where init scripts reach; the app makes it in its detection worker). */
async function automaticChoice(page: Page): Promise<SelectBackend.BackendChoice> {
  await page.goto('/e2e/harness/index.html?backend=cpu');
  return page.evaluate(async () => {
    await window.harness.ready;
    const { chooseBackend } = (await window.harness.load('/src/runtime/select_backend.ts')) as typeof SelectBackend;
    return chooseBackend();
  });
}

test.describe('when WebGPU is missing', () => {
  test('the automatic choice is wasm and the reason names what WebGL is', async ({ page }) => {
    await withoutWebGpu(page);
    const choice = await automaticChoice(page);
    expect(choice.name).toBe('wasm');
    expect(choice.basis).toBe('capability');
    expect(choice.reason).toContain('WebGPU is not available (navigator.gpu is missing)');
    expect(choice.reason).toContain('SwiftShader');
    expect(choice.reason).toMatch(/: using wasm, 2 threads$/);
    expect(choice.probe).toBeNull();
  });
});

test.describe('when neither WebGPU nor WebGL is available', () => {
  test('it runs on wasm and says there is no GPU', async ({ page }) => {
    // As in a browser with WebGPU off and WebGL blocklisted: no navigator.gpu, and no WebGL context on any canvas.
    await withoutWebGpu(page);
    await page.addInitScript(() => {
      for (const proto of [HTMLCanvasElement.prototype, OffscreenCanvas.prototype] as { getContext: (type: string, ...rest: unknown[]) => unknown }[]) {
        const original = proto.getContext;
        proto.getContext = function (this: unknown, type: string, ...rest: unknown[]) {
          return /webgl/i.test(type) ? null : original.call(this, type, ...rest);
        };
      }
    });
    const choice = await automaticChoice(page);
    expect(choice.name).toBe('wasm');
    expect(choice.reason).toMatch(/^there is no GPU: WebGPU is not available \(navigator.gpu is missing\) and WebGL is not available \(the browser gave no context/);
  });
});
