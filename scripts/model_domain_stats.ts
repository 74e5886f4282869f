/**
 * npx vite-node scripts/model_domain_stats.ts -- --dataset <dir> [--split train]
 *
 * Prints the training photos' colour statistics as public/models/index.json's `imageStatistics` field holds them
 * (src/data/image_statistics.ts): each image drawn into a 64 × 64 grid by headless Chromium's drawImage, as the
 * Detect tab measures an opened image, then per channel the mean and contrast, and their mean and spread over the set.
 * Also prints the split's image count and objects per image, for the model's `trainedOn` field.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { domainStatistics, imageStatistics, STATS_SIDE, type ImageStatistics } from '../src/data/image_statistics';
import { CHROMIUM_ARGS, CHROMIUM_PATH, assertChromiumInstalled } from './lib/chromium';
import { loadDatasetDir } from './lib/load_dataset';

const { values: a } = parseArgs({ options: { dataset: { type: 'string' }, split: { type: 'string', default: 'train' } } });
if (!a.dataset) {
  process.stderr.write('model_domain_stats: --dataset <dir> is required (e.g. ../shared/datasets/bccd)\n');
  process.exit(2);
}

const loaded = await loadDatasetDir(a.dataset, { split: a.split });
const records = loaded.dataset.records;
assertChromiumInstalled();
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
try {
  const page = await browser.newPage();
  const stats: ImageStatistics[] = [];
  for (const record of records) {
    const path = loaded.imagePaths.get(record.imageFile);
    if (!path) throw new Error(`domain-stats: no image file for ${record.imageFile}`);
    const pixels = await page.evaluate(async ([b64, side]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes]), { imageOrientation: 'from-image' });
      const ctx = new OffscreenCanvas(side, side).getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0, side, side);
      return Array.from(ctx.getImageData(0, 0, side, side).data);
    }, [readFileSync(path).toString('base64'), STATS_SIDE] as const);
    stats.push(imageStatistics(pixels));
  }
  const domain = domainStatistics(stats);
  const round = (xs: readonly number[]) => xs.map((x) => Math.round(x * 10) / 10);
  const objects = records.map((r) => r.objects.length).sort((x, y) => x - y);
  process.stdout.write(`${JSON.stringify({
    trainedOn: { images: records.length, split: a.split, objectsPerImage: { median: objects[Math.floor(objects.length / 2)], min: objects[0], max: objects.at(-1) } },
    imageStatistics: { images: domain.images, mean: round(domain.mean), std: round(domain.std) },
  })}\n`);
} finally {
  await browser.close();
}
