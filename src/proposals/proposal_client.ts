/**
 * Main-thread API for object proposals. Selective search runs in Web Workers (two by default, one per core of
 * a small machine), so the page keeps painting; the colour-space jobs are shared out between them and their
 * partial results merged here. Dense boxes are cheap and computed in place.
 *
 *   const boxes = await computeProposals(imageData, { mode: 'fast', signal, onProgress });
 *
 * Aborting the signal terminates the workers of that call and rejects with an AbortError. Calls run one after
 * another (each already uses every core), so many concurrent calls never start more than `workers` workers.
 */
import type { Box } from '../geometry/box';
import { denseBoxes, type DenseBoxOptions } from './dense_boxes';
import type { ColorSpaceJob, SelectiveSearchConfig } from './modes';
import { jobsOf, resolveConfig } from './modes';
import type { ResultMessage, RunRequest, WorkerResponse } from './protocol';
import type { ScoredBoxes } from './ranking';
import { mergeScoredBoxes, sortByScore } from './ranking';
import { jobUnits } from './selective_search';
import { splitJobs } from './split_jobs';
import type { ImageDataLike, ProposalProgress, SelectiveSearchMode } from './types';

export type ProposalMode = SelectiveSearchMode | 'dense';

export interface ComputeProposalsOptions {
  readonly mode?: ProposalMode;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ProposalProgress) => void;
  /** Number of workers (default: min(2, hardwareConcurrency)). */
  readonly workers?: number;
  /** Overrides of the selective search mode's settings (e.g. seed, ks). */
  readonly selectiveSearch?: Partial<SelectiveSearchConfig>;
  readonly dense?: DenseBoxOptions;
}

/** Ranked proposals as [x1, y1, x2, y2] tuples, best first. */
export async function computeProposals(image: ImageDataLike, options: ComputeProposalsOptions = {}): Promise<Box[]> {
  const packed = await computeProposalsPacked(image, options);
  return Array.from({ length: packed.length / 4 }, (_, i) => [packed[4 * i], packed[4 * i + 1], packed[4 * i + 2], packed[4 * i + 3]] as const);
}

/** Same as computeProposals, packed [x1,y1,x2,y2, ...] in one Float32Array. */
export async function computeProposalsPacked(image: ImageDataLike, options: ComputeProposalsOptions = {}): Promise<Float32Array> {
  checkImage(image);
  const { mode = 'fast', signal, onProgress } = options;
  signal?.throwIfAborted();
  if (mode === 'dense') {
    const boxes = denseBoxes(image.width, image.height, options.dense);
    onProgress?.({ fraction: 1, stage: 'dense boxes' });
    return boxes;
  }
  const config = resolveConfig(mode, options.selectiveSearch);
  const defaultWorkers = Math.min(2, globalThis.navigator?.hardwareConcurrency ?? 2);
  const groups = splitJobs(jobsOf(config), options.workers ?? defaultWorkers);
  const parts = await inTurn(signal, () => runInWorkers(image, groups, signal, onProgress));
  onProgress?.({ fraction: 1, stage: 'ranking' });
  return sortByScore(mergeScoredBoxes(parts, image));
}

let previousCall: Promise<unknown> = Promise.resolve();

/** Runs `work` after every earlier call has settled; an abort while waiting rejects at once. */
function inTurn<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  const start = previousCall.then(() => {
    signal?.throwIfAborted();
    return work();
  });
  previousCall = start.catch(() => undefined);
  if (!signal) return start;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    start.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('proposal computation aborted', 'AbortError');
}

/** Terminates the idle workers kept for later calls (they are recreated on demand). */
export function disposeProposalWorkers(): void {
  for (const worker of idle.splice(0)) worker.terminate();
}

const idle: Worker[] = [];
let nextRequestId = 1;

function acquireWorker(): Worker {
  return idle.pop() ?? new Worker(new URL('./proposal_worker.ts', import.meta.url), { type: 'module' });
}

function runInWorkers(
  image: ImageDataLike,
  groups: readonly (readonly ColorSpaceJob[])[],
  signal: AbortSignal | undefined,
  onProgress: ComputeProposalsOptions['onProgress'],
): Promise<ScoredBoxes[]> {
  const totalUnits = groups.flat().reduce((sum, job) => sum + jobUnits(job), 0);
  const done = groups.map(() => 0);
  const workers = groups.map(() => acquireWorker());
  const data = image.data instanceof Uint8ClampedArray ? image.data : new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length);
  return new Promise<ScoredBoxes[]>((resolve, reject) => {
    const results: (ResultMessage | undefined)[] = groups.map(() => undefined);
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      workers.forEach((worker) => {
        worker.onmessage = null;
        worker.onerror = null;
        if (error === undefined) idle.push(worker);
        else worker.terminate();
      });
      if (error === undefined) resolve(results.map((r) => r as ResultMessage));
      else reject(error);
    };
    const onAbort = () => finish(abortReason(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    workers.forEach((worker, w) => {
      const id = nextRequestId++;
      worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
        const message = event.data;
        if (message.id !== id) return;
        if (message.type === 'progress') {
          done[w] = message.done;
          onProgress?.({ fraction: done.reduce((a, b) => a + b, 0) / totalUnits, stage: 'selective search' });
        } else if (message.type === 'error') {
          finish(new Error(`proposal worker failed: ${message.message}`));
        } else {
          results[w] = message;
          if (results.every((r) => r !== undefined)) finish();
        }
      };
      worker.onerror = (event) => finish(new Error(`proposal worker failed: ${event.message}`));
      const request: RunRequest = { type: 'run', id, image: { width: image.width, height: image.height, data }, jobs: groups[w] };
      worker.postMessage(request);
    });
  });
}

function checkImage(image: ImageDataLike): void {
  const { width, height, data } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`image size must be positive integers, got ${width}x${height}`);
  }
  if (!data || data.length !== width * height * 4) {
    throw new Error(`image data must hold width * height * 4 = ${width * height * 4} RGBA bytes, got ${data?.length}`);
  }
}
