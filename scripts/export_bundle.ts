/**
 * npm run export:bundle -- --dataset <dir> --out <bundle dir> [--train-split X] [--val-split Y|none] [--test-split Z]
 *   [--iterations N] [--lr R] [--scale S] [--max-size M] [--trainable fc|expanded_conv_12] [--no-flip] [--seed N]
 *   [--budget-minutes B] [--limit N] [--cache-dir DIR] [--verbose]
 *
 * A self-contained training bundle for the PyTorch trainer (scale/train.py, issue 20): the same job `npm run train`
 * would run (the split, the validation carve-out and the recipe from src/training/job_builder.ts, the overrides
 * on top), written as files:
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
import { exportCocoJson } from '../src/data/export_coco';
import type { Dataset } from '../src/data/record';
import { DEFAULT_BACKBONE, DEFAULT_DETECT } from '../src/model/defaults';
import { DEFAULT_PROPOSAL_MAX_SIDE } from '../src/proposals/modes';
import { buildTrainJob, recipeFor, splitForValidation } from '../src/training/job_builder';
import { describeRecipe, type RecipeOverrides } from '../src/training/recipe';
import { loadDatasetDir } from './lib/load_dataset';
import { DEFAULT_CACHE_DIR, ProposalCache, runInBrowser, wireImages } from './lib/train_job';
import type { WireImage } from './lib/wire_job';
import { userPath } from './lib/user_path';

export const BUNDLE_FORMAT = 'frcnn-web-training-bundle';

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
function fail(message: string): never {
  log(`export:bundle: ${message}`);
  process.exit(2);
}
function num(name: keyof typeof a, valid: (v: number) => boolean, what: string): number | undefined {
  const raw = a[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || !valid(value)) fail(`--${name} must be ${what}, got '${String(raw)}'`);
  return value;
}
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
const limit = num('limit', whole, 'a positive whole number') ?? Infinity;
const budgetMinutes = num('budget-minutes', positive, 'a positive number of minutes');

const datasetDir = userPath(a.dataset);
const outDir = userPath(a.out);
const all = await loadDatasetDir(datasetDir);
const has = (name: string) => all.splits.has(name);
// the split rules of `npm run train`
const trainSplit = a['train-split'] ?? (has('train') && has('val') && a['val-split'] === undefined ? 'train' : ['trainval', 'train'].find(has));
const valSplit = a['val-split'] === 'none' ? undefined : a['val-split'] ?? (trainSplit === 'train' && has('val') ? 'val' : undefined);
const testSplit = a['test-split'] ?? (has('test') ? 'test' : undefined);
const load = async (split: string | undefined) => {
  const loaded = await loadDatasetDir(datasetDir, { split });
  return { ...loaded, dataset: { ...loaded.dataset, records: loaded.dataset.records.slice(0, limit) } };
};
const train = await load(trainSplit);
const val = valSplit ? await load(valSplit) : undefined;
const test = testSplit ? await load(testSplit) : undefined;
const classNames = train.dataset.classNames;
const cache = new ProposalCache(userPath(a['cache-dir']!), { mode: 'fast', maxSide: DEFAULT_PROPOSAL_MAX_SIDE });
const wire = (loaded: typeof train) => wireImages(loaded.dataset, loaded.imagePaths, classNames, cache);
const split = splitForValidation<WireImage>(wire(train), a['val-split'] === 'none' ? [] : val ? wire(val) : null, overrides.seed ?? 3);
const sizes = new Map([...train.dataset.records, ...(val?.dataset.records ?? [])].map((r) => [r.imageFile, { width: r.width, height: r.height }]));
const recipe = recipeFor({ classNames, images: split, sizes, overrides, ...(budgetMinutes !== undefined && { budgetSeconds: budgetMinutes * 60 }) });
for (const line of describeRecipe(recipe)) log(`  ${line}`);
const imagePaths = new Map([...train.imagePaths, ...(val?.imagePaths ?? []), ...(test?.imagePaths ?? [])]);
const images = { train: split.train, validation: split.validation, test: test ? wire(test) : [] };
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

mkdirSync(join(outDir, 'images'), { recursive: true });
mkdirSync(join(outDir, 'backbone'), { recursive: true });
const chunks: Float32Array[] = [];
let offset = 0;
const records = new Map([...train.dataset.records, ...(val?.dataset.records ?? []), ...(test?.dataset.records ?? [])].map((r) => [r.imageFile, r]));
const entry = (image: WireImage) => {
  const record = records.get(image.id)!;
  const boxes = proposalsOf(image.id);
  chunks.push(boxes);
  const at = [offset, boxes.length / 4];
  offset += boxes.length / 4;
  const target = join(outDir, 'images', image.id);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(imagePaths.get(image.id)!, target);
  return { file: image.id, width: record.width, height: record.height, proposals: at };
};
const splits = { train: job.train.map(entry), validation: job.validation.map(entry), test: job.test.map(entry) };
const proposals = new Float32Array(offset * 4);
let at = 0;
for (const c of chunks) {
  proposals.set(c, at);
  at += c.length;
}
writeFileSync(join(outDir, 'proposals.bin'), Buffer.from(proposals.buffer));
const dataset: Dataset = { classNames, records: [...new Set([...splits.train, ...splits.validation, ...splits.test].map((s) => s.file))].map((f) => records.get(f)!) };
writeFileSync(join(outDir, 'dataset.json'), exportCocoJson(dataset));
const human = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/human')), '..', 'models');
for (const file of ['centernet.json', 'centernet.bin']) {
  const source = existsSync(join('public/backbone', file)) ? join('public/backbone', file) : join(human, file);
  copyFileSync(source, join(outDir, 'backbone', file));
}
const trainable = recipe.config.trainable;
const bundle = {
  format: BUNDLE_FORMAT, version: 1, classNames,
  config: job.config, head: job.head, detect: { ...DEFAULT_DETECT, ...job.detect }, svdRanks: job.svdRanks,
  validateEvery: job.validateEvery, retrainOnAll: job.retrainOnAll,
  backbone: { ...DEFAULT_BACKBONE, modelUrl: 'backbone/centernet.json', trainableFrom: trainable.kind === 'conv' ? trainable.firstLayer : null },
  proposals: { file: 'proposals.bin', mode: recipe.proposalMode, maxSide: recipe.proposalMaxSide, maxProposals: recipe.maxProposals },
  dataset: 'dataset.json', images: 'images', splits,
};
writeFileSync(join(outDir, 'bundle.json'), JSON.stringify(bundle, null, 1));
log(`bundle written to ${outDir}: ${splits.train.length} train, ${splits.validation.length} validation, ${splits.test.length} test images, ${offset} proposals`);
process.stdout.write(`${JSON.stringify({ out: outDir, train: splits.train.length, validation: splits.validation.length, test: splits.test.length, proposals: offset })}\n`);
