/**
 * `npm run build:lib`'s folder served as it is (issue 19 item 7): the library build (vite.lib.config.ts, built
 * once per test run into test-results/ and shared with library.spec.ts) is the whole site of a plain Node static server (no Vite, no COOP/COEP, nothing
 * from public/), with one host page beside it written as the folder's README.md says. The widget, with no model
 * and no assets-base, must load the default model and the backbone from the folder itself and detect on wasm.
 */
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLibraryOnce, LIBRARY_BUILD, serveStatic, type StaticSite } from './library_support';
import { keepScreenshot, SHARED_DATASETS } from './page_objects';

const OUT = LIBRARY_BUILD;
const IMAGE = readFileSync(join(SHARED_DATASETS, 'bccd', 'JPEGImages', 'BloodImage_00007.jpg'));

/** The README's one-script-tag example, on the wasm backend with 100 proposals so it runs in seconds. */
const HOST_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>a static site</title><link rel="icon" href="data:,">
<script type="module" src="/frcnn-detector.js"></script></head>
<body><frcnn-detector id="w" backend="wasm" max-proposals="100" score-threshold="0.3" style="width: 640px; height: 480px"></frcnn-detector>
</body></html>`;

let site: StaticSite;

test.describe.configure({ timeout: 240_000 });

test.beforeAll(() => {
  buildLibraryOnce();
});

test.afterAll(async () => {
  await site?.close();
});

test('the built folder is a site: README, default model and backbone inside; the widget detects on wasm from a plain static server', async ({ page }) => {
  await test.step('the folder holds the bundles, the default model, the backbone and a README with an embedding example', () => {
    for (const file of ['frcnn.js', 'frcnn-detector.js', 'models/bccd/model.json', 'models/bccd/weights.bin', 'backbone/centernet.json', 'backbone/centernet.bin']) {
      expect(existsSync(join(OUT, file)), file).toBe(true);
    }
    const readme = readFileSync(join(OUT, 'README.md'), 'utf8');
    expect(readme).toContain('<script type="module" src="/frcnn-detector.js"></script>');
    expect(readme).toContain("import { createDetector } from '/frcnn.js'");
  });

  site = await serveStatic([['/', OUT]], new Map<string, string | Buffer>([['/host.html', HOST_PAGE], ['/cells.jpg', IMAGE]]));
  await page.goto(`${site.origin}/host.html`);
  await expect(page.locator('frcnn-detector')).toBeAttached();
  const detected = await page.evaluate(async () => {
    await customElements.whenDefined('frcnn-detector');
    const element = document.getElementById('w') as HTMLElementTagNameMap['frcnn-detector'];
    const result = new Promise<{ labels: string[]; proposals: number; backend: string }>((resolve, reject) => {
      element.addEventListener('detections', (e) => resolve({ labels: e.detail.objects.map((o) => o.label), proposals: e.detail.result.proposals.length, backend: e.detail.result.backend }));
      element.addEventListener('error', (e) => reject(new Error(e.detail.message)));
    });
    element.src = '/cells.jpg';
    return result;
  });
  expect(detected.backend).toBe('wasm');
  expect(detected.proposals).toBeGreaterThan(0);
  expect(detected.proposals).toBeLessThanOrEqual(100);
  expect(detected.labels.every((l) => ['Platelets', 'RBC', 'WBC'].includes(l))).toBe(true);
  // everything came from the folder: the default model and the backbone at its root, the workers from assets/
  expect(site.requests).toEqual(expect.arrayContaining(['/models/bccd/model.json', '/models/bccd/weights.bin', '/backbone/centernet.json', '/backbone/centernet.bin']));
  expect(site.requests.some((path) => /^\/assets\/detector_worker-[\w-]+\.js$/.test(path))).toBe(true);
  await keepScreenshot(page, 'library-static-site');
});
