/**
 * npm run export:bundle -- --dataset <dir> --out <bundle dir> [--train-split X] [--val-split Y|none] [--test-split Z]
 *   [--iterations N] [--lr R] [--scale S] [--max-size M] [--trainable fc|expanded_conv_12] [--no-flip] [--seed N]
 *   [--budget-minutes B] [--limit N] [--cache-dir DIR] [--verbose]
 *
 * A self-contained training bundle for the PyTorch trainer (scale/train.py, issue 20): the same job `npm run train`
 * would run (the split, the validation carve-out and the recipe from src/training/job_builder.ts, the overrides
 * on top), written as files (the format: src/training/training_bundle.ts):
 *   bundle.json     the job: classes, TrainConfig (sampling, solver, scale, flips, seed, trainable layers), the head,
 *                   the backbone config, the post-processing, and per split each image's file, size and proposals
 *   dataset.json    every image's boxes as COCO (src/data/export_coco.ts; category id = our class id)
 *   images/         the image files, as named in the dataset
 *   proposals.bin   the selective-search proposals (float32 x1 y1 x2 y2), the ones the page trains on: read from the
 *                   proposal cache, computed first in headless Chromium for images that have none
 *   backbone/       the pretrained graph (centernet.json + .bin) the page serves
 * `--limit N` keeps the first N images of each split (smoke runs).
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PROPOSAL_MAX_SIDE } from '../src/proposals/modes';
import { buildTrainJob } from '../src/training/job_builder';
import { describeRecipe, type RecipeOverrides } from '../src/training/recipe';
import { BUNDLE_BACKBONE, trainingBundle, type BundleImage } from '../src/training/training_bundle';
import { DEFAULT_CACHE_DIR, describePlan, planRun, ProposalCache, runInBrowser } from './lib/train_job';
import type { WireImage } from './lib/wire_job';
import { userPath } from './lib/user_path';
import { failer, numericFlags } from './lib/cli_flags';

const { values: a } = parseArgs({
  options: {
    dataset: { type: 'string' }, out: { type: 'string' }, 'train-split': { type: 'string' }, 'val-split': { type: 'string' },
    'test-split': { type: 'string' }, iterations: { type: 'string' }, lr: { type: 'string' }, scale: { type: 'string' },
    'max-size': { type: 'string' }, trainable: { type: 'string' }, 'no-flip': { type: 'boolean', default: false }, seed: { type: 'string' },
    'budget-minutes': { type: 'string' }, limit: { type: 'string' }, 'cache-dir': { type: 'string', default: DEFAULT_CACHE_DIR },
    verbose: { type: 'boolean', default: false },
  },
});
const log = (line: string) => process.stderr.write(`${line}\n`);
// annotated: TypeScript narrows after a never-returning call only through a declared type
const fail: (message: string) => never = failer('export:bundle');
const num = numericFlags(a, fail);
if (!a.dataset || !a.out) fail('usage: npm run export:bundle -- --dataset <dir> --out <bundle dir> [--iterations N] [--limit N]');
const positive = (v: number) => v > 0;
const whole = (v: number) => Number.isInteger(v) && v > 0;
const overrides: RecipeOverrides = {
  iterations: num('iterations', whole, 'a positive whole number'),
  learningRate: num('lr', positive, 'a positive number'),
  scale: num('scale', (v) => v >= 16, 'at least 16 (pixels)'),
  maxSize: num('max-size', (v) => v >= 16, 'at least 16 (pixels)'),
  trainable: a.trainable,
  seed: num('seed', Number.isInteger, 'a whole number'),
  ...(a['no-flip'] && { flip: false }),
};
const limit = num('limit', whole, 'a positive whole number');
const budgetMinutes = num('budget-minutes', positive, 'a positive number of minutes');

const outDir = userPath(a.out);
const cache = new ProposalCache(userPath(a['cache-dir']!), { mode: 'fast', maxSide: DEFAULT_PROPOSAL_MAX_SIDE });
// the splits and the recipe of `npm run train`
const plan = await planRun({
  datasetDir: userPath(a.dataset), splits: { train: a['train-split'], validation: a['val-split'], test: a['test-split'] },
  cache, overrides, budgetMinutes, limit,
}).catch((error: Error) => fail(error.message));
const { classNames, split, recipe, imagePaths } = plan;
for (const line of describePlan(plan)) log(line);
for (const line of describeRecipe(recipe)) log(`  ${line}`);
const images = { train: split.train, validation: split.validation, test: plan.test };
const job = buildTrainJob<WireImage>(classNames, images, recipe, { runId: `bundle-${Date.now()}`, backend: 'wasm', mode: 'proposals' });

// proposals the cache lacks: computed by the page's own proposal stage, then read back from the cache
const missing = [...job.train, ...job.validation, ...job.test].filter((image) => !image.proposals);
if (missing.length > 0) {
  log(`proposals: computing ${missing.length} in headless Chromium (cached in ${cache.dir})`);
  const { model: _none, ...wireJob } = { ...job, train: missing, validation: [], test: [] };
  await runInBrowser(wireJob, { verbose: a.verbose!, cache, imagePaths, onEvent: () => undefined });
}
const proposalsOf = (id: string): Float32Array => {
  const base64 = cache.get(imagePaths.get(id)!);
  if (base64 === undefined) fail(`no proposals for ${id} after computing them`);
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).slice(0, 4 * recipe.maxProposals);
};

const bundleImage = (image: WireImage): BundleImage => ({ file: image.id, proposals: proposalsOf(image.id) });
const files = trainingBundle(job, { train: job.train.map(bundleImage), validation: job.validation.map(bundleImage), test: job.test.map(bundleImage) }, plan.records);
mkdirSync(join(outDir, dirname(BUNDLE_BACKBONE)), { recursive: true });
for (const file of files.imageFiles) {
  const target = join(outDir, 'images', file);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(imagePaths.get(file)!, target);
}
writeFileSync(join(outDir, 'proposals.bin'), Buffer.from(files.proposals.buffer));
writeFileSync(join(outDir, 'dataset.json'), files.datasetJson);
writeFileSync(join(outDir, 'bundle.json'), files.bundleJson);
const human = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/human')), '..', 'models');
for (const file of ['centernet.json', 'centernet.bin']) {
  const source = existsSync(join('public/backbone', file)) ? join('public/backbone', file) : join(human, file);
  copyFileSync(source, join(outDir, dirname(BUNDLE_BACKBONE), file));
}
const counts = { train: job.train.length, validation: job.validation.length, test: job.test.length, proposals: files.proposals.length / 4 };
log(`bundle written to ${outDir}: ${counts.train} train, ${counts.validation} validation, ${counts.test} test images, ${counts.proposals} proposals`);
process.stdout.write(`${JSON.stringify({ out: outDir, ...counts })}\n`);
