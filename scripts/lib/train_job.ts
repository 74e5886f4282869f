/**
 * Node side of the headless train/eval commands: dataset records to the worker's image specs (served by Vite at
 * /@fs/<absolute path>), the on-disk proposal cache (keyed by image path, size, mtime, mode and resolution), and
 * one run of a job in headless Chromium with its events relayed back. The harness serves the folders holding the
 * job's images, wherever they are, besides the repository; the model and the proposal cache are read and written
 * in Node and reach the page inside the job, so their folders are not served.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Dataset } from '../../src/data/record';
import { imageLabels } from '../../src/training/image_specs';
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
