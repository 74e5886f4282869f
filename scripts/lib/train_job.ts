/**
 * Node side of the headless train/eval commands: dataset records to the worker's image specs (served by Vite at
 * /@fs/<absolute path>), the on-disk proposal cache (keyed by image path, size, mtime, mode and resolution), and
 * one run of a job in headless Chromium with its events relayed back. The harness serves the folders holding the
 * job's images, wherever they are, besides the repository; the model and the proposal cache are read and written
 * in Node and reach the page inside the job, so their folders are not served. `planRun` is the one split and recipe
 * setup of `npm run train` and `npm run export:bundle`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Dataset, DetectionRecord } from '../../src/data/record';
import { imageLabels } from '../../src/training/image_specs';
import { recipeFor, splitForValidation, type ImageSizes } from '../../src/training/job_builder';
import type { Recipe, RecipeOverrides } from '../../src/training/recipe';
import { loadDatasetDir } from './load_dataset';
import type { WireEvent, WireImage, WireJob, runWireJob } from './wire_job';
import { withHarness } from './browser_session';
import { fsUrl, jobImageDirs } from './serve_dirs';

export const DEFAULT_CACHE_DIR = resolve('node_modules/.cache/frcnn-proposals');

export interface ProposalCacheKey {
  readonly mode: string;
  readonly maxSide: number;
}

export class ProposalCache {
  constructor(readonly dir: string, readonly key: ProposalCacheKey) {
    mkdirSync(dir, { recursive: true });
  }

  private file(imagePath: string): string {
    const stat = statSync(imagePath);
    const id = `${resolve(imagePath)}|${stat.size}|${stat.mtimeMs}|${this.key.mode}|${this.key.maxSide}`;
    return join(this.dir, `${createHash('sha1').update(id).digest('hex')}.f32`);
  }

  /** Base64 of the cached Float32 boxes, or undefined. */
  get(imagePath: string): string | undefined {
    const file = this.file(imagePath);
    return existsSync(file) ? readFileSync(file).toString('base64') : undefined;
  }

  put(imagePath: string, base64: string): void {
    writeFileSync(this.file(imagePath), Buffer.from(base64, 'base64'));
  }
}

/**
 * The worker's view of the records (training/image_specs.ts): gt boxes packed, classes by name into `classNames`
 * (1-based). Objects of other classes are left out (a model evaluated on a set with more classes than it knows).
 */
export function wireImages(dataset: Dataset, imagePaths: Map<string, string>, classNames: readonly string[], cache: ProposalCache): WireImage[] {
  return dataset.records.map((record) => {
    const path = imagePaths.get(record.imageFile);
    if (!path) throw new Error(`no image file for ${record.imageFile}`);
    const { issues, ...labels } = imageLabels(record.imageFile, record.objects, classNames);
    const bad = issues.find((issue) => issue.kind === 'bad-box');
    if (bad) throw new Error(bad.message);
    return { id: record.imageFile, url: fsUrl(path), ...labels, proposals: cache.get(path) };
  });
}

export interface RunOptions {
  readonly verbose: boolean;
  readonly onEvent: (event: WireEvent) => void;
  /** image id -> path, to cache proposals computed in the page. */
  readonly imagePaths: Map<string, string>;
  readonly cache: ProposalCache;
}

/** Runs the job in headless Chromium on the project's harness page; resolves after the worker's `done`. */
export async function runInBrowser(job: WireJob, options: RunOptions): Promise<void> {
  await withHarness({ backend: 'cpu', verbose: options.verbose, serveDirs: jobImageDirs(job) }, async ({ page }) => {
    await page.exposeFunction('frcnnTrainEvent', (event: WireEvent) => {
      if (event.type === 'proposals') {
        const path = options.imagePaths.get(event.id);
        if (path) options.cache.put(path, event.boxes);
      }
      options.onEvent(event);
    });
    await page.evaluate(async (wire) => {
      const mod = (await window.harness.load('/scripts/lib/wire_job.ts')) as { runWireJob: typeof runWireJob };
      const emit = (window as unknown as { frcnnTrainEvent: (e: WireEvent) => Promise<void> }).frcnnTrainEvent;
      await mod.runWireJob(wire, emit);
    }, job);
  });
}

/** The splits a command-line run was given: a split name, a list .txt / labels .csv, or 'none' for validation. */
export interface SplitFlags {
  readonly train?: string;
  readonly validation?: string;
  readonly test?: string;
}

export interface RunPlanRequest {
  readonly datasetDir: string;
  readonly splits: SplitFlags;
  readonly cache: ProposalCache;
  readonly overrides: RecipeOverrides;
  readonly budgetMinutes?: number;
  /** Keep only the first N images of each split (smoke runs). */
  readonly limit?: number;
  /** false: the test split is not loaded (`train --no-eval`). */
  readonly withTest?: boolean;
}

export interface RunPlan {
  readonly classNames: readonly string[];
  /** The splits used, by name; validation undefined when it is carved out of train or 'none'. */
  readonly splitNames: SplitFlags;
  readonly split: { readonly train: WireImage[]; readonly validation: WireImage[]; readonly carvedOut: boolean };
  readonly test: WireImage[];
  readonly sizes: ImageSizes;
  readonly recipe: Recipe;
  /** image id -> path on disk, of every split. */
  readonly imagePaths: Map<string, string>;
  /** Every loaded record: train, validation, then test. */
  readonly records: DetectionRecord[];
}

/**
 * The splits, the validation carve-out and the recipe of a command-line run. A set with train and val lists trains
 * on train and chooses on val; otherwise the recipe carves validation out of the training images (job_builder).
 * Throws when the training split has no labelled boxes.
 */
export async function planRun(request: RunPlanRequest): Promise<RunPlan> {
  const { datasetDir, splits, overrides } = request;
  const all = await loadDatasetDir(datasetDir);
  const has = (name: string) => all.splits.has(name);
  const noValidation = splits.validation === 'none';
  const trainSplit = splits.train ?? (has('train') && has('val') && splits.validation === undefined ? 'train' : ['trainval', 'train'].find(has));
  const valSplit = noValidation ? undefined : splits.validation ?? (trainSplit === 'train' && has('val') ? 'val' : undefined);
  const testSplit = request.withTest === false ? undefined : splits.test ?? (has('test') ? 'test' : undefined);
  const load = async (split: string | undefined) => {
    const loaded = await loadDatasetDir(datasetDir, { split });
    if (request.limit === undefined) return loaded;
    return { ...loaded, dataset: { ...loaded.dataset, records: loaded.dataset.records.slice(0, request.limit) } };
  };
  const train = await load(trainSplit);
  const val = valSplit ? await load(valSplit) : undefined;
  const test = testSplit ? await load(testSplit) : undefined;
  const { classNames } = train.dataset;
  if (train.dataset.records.every((r) => r.objects.length === 0)) throw new Error(`the training split (${trainSplit ?? 'all images'}) has no labelled boxes`);
  const wire = (loaded: typeof train) => wireImages(loaded.dataset, loaded.imagePaths, classNames, request.cache);
  const split = splitForValidation<WireImage>(wire(train), noValidation ? [] : val ? wire(val) : null, overrides.seed ?? 3);
  const sizes = new Map([...train.dataset.records, ...(val?.dataset.records ?? [])].map((r) => [r.imageFile, { width: r.width, height: r.height }]));
  const { budgetMinutes } = request;
  const recipe = recipeFor({ classNames, images: split, sizes, overrides, ...(budgetMinutes !== undefined && { budgetSeconds: budgetMinutes * 60 }) });
  const loaded = [train, ...(val ? [val] : []), ...(test ? [test] : [])];
  return {
    classNames, splitNames: { train: trainSplit, validation: valSplit, test: testSplit }, split, test: test ? wire(test) : [], sizes, recipe,
    imagePaths: new Map(loaded.flatMap((l) => [...l.imagePaths])),
    records: loaded.flatMap((l) => l.dataset.records),
  };
}

/** What the plan trains, validates and tests on, as log lines. */
export function describePlan(plan: RunPlan): string[] {
  const { split, splitNames } = plan;
  const share = Math.round((100 * split.validation.length) / (split.validation.length + split.train.length));
  return [
    `train: ${split.train.length} images (${splitNames.train ?? 'all'}${split.carvedOut ? ', less the validation carve-out' : ''}), classes ${plan.classNames.join(', ')}`,
    `validation: ${split.validation.length} images (${splitNames.validation ?? (split.carvedOut ? `a stratified ${share}% of the training images` : 'none')})` +
      (splitNames.test ? `; test: ${plan.test.length} images (${splitNames.test}), evaluated once at the end` : '; no test split'),
  ];
}
