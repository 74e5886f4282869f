/**
 * The CI training smoke run, executed in the page by e2e/training.spec.ts: a few images, a few iterations of the
 * real worker path, the worker's evaluation on a held-out image, then the saved files are loaded back through the
 * model's own loader (src/model/weights_io.ts) and run on the held-out image. Proposals are synthetic (gt boxes
 * jittered, plus random boxes) so the test spends no time in selective search.
 */
import * as tf from '@tensorflow/tfjs';
import { fetchImage } from '../data/image_decode';
import { DEFAULT_HEAD } from '../model/defaults';
import { detectorFromArtifacts } from '../model/weights_io';
import { TrainingClient } from './client';
import { DEFAULT_TRAIN_CONFIG, scaledSolver } from './defaults';
import type { Box } from '../geometry/box';
import type { EvaluationSummary, ModelFiles, TrainBackend, TrainImageSpec, TrainJob } from './protocol';
import { createRng } from './rng';

export interface SmokeImage {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly gtBoxes: number[];
  readonly gtClasses: number[];
}

export interface SmokeResult {
  readonly losses: number[];
  readonly iterations: number;
  readonly evaluation?: EvaluationSummary;
  readonly modelBytes: number;
  readonly weightsMatch: boolean;
  /** What the reloaded model finds on the held-out image, with the proposals the worker evaluated it on, best first. */
  readonly detections: readonly { readonly className: string; readonly score: number; readonly box: Box }[];
  readonly pausedAt: number | null;
}

/** gt boxes shifted by up to ±30% of their size, and random boxes: plenty of fg and bg RoIs. */
export function syntheticProposals(image: SmokeImage, count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out: number[] = [];
  const g = image.gtBoxes.length / 4;
  for (let i = 0; out.length < 4 * count; i++) {
    if (i % 2 === 0 && g > 0) {
      const k = 4 * (i % g);
      const [x1, y1, x2, y2] = image.gtBoxes.slice(k, k + 4);
      const w = x2 - x1;
      const h = y2 - y1;
      const j = () => (rng() - 0.5) * 0.6;
      out.push(x1 + j() * w, y1 + j() * h, x2 + j() * w, y2 + j() * h);
    } else {
      const x = rng() * image.width * 0.8;
      const y = rng() * image.height * 0.8;
      out.push(x, y, x + 20 + rng() * image.width * 0.3, y + 20 + rng() * image.height * 0.3);
    }
  }
  return Float32Array.from(out, (v, i) => Math.max(0, Math.min(v, i % 2 === 0 ? image.width : image.height)));
}

/** Trains on `images`, evaluates on `heldOut` (an image that is not among them), then reloads and detects on it. */
export async function runSmoke(images: SmokeImage[], heldOut: SmokeImage, classNames: string[], iterations: number, backend: TrainBackend): Promise<SmokeResult> {
  if (images.some((image) => image.url === heldOut.url)) throw new Error(`the held-out image ${heldOut.url} is also a training image`);
  const spec = (image: SmokeImage, i: number): TrainImageSpec => ({
    id: `img${i}`, url: image.url, gtBoxes: image.gtBoxes, gtClasses: image.gtClasses, proposals: syntheticProposals(image, 200, i),
  });
  const job: TrainJob = {
    runId: `smoke-${Date.now()}`, mode: 'train', classNames, train: images.map(spec), test: [spec(heldOut, images.length)],
    config: { ...DEFAULT_TRAIN_CONFIG, solver: { ...scaledSolver(iterations), baseLr: 0.003 }, scale: 320, checkpointEvery: 4 },
    head: { ...DEFAULT_HEAD, dropoutRate: 0 }, backend, featureBackend: 'wasm', proposalMode: 'fast', proposalMaxSide: 300,
    maxProposals: 2000, resume: false, evaluateAtEnd: true, svdRanks: { fc6: 32, fc7: null },
  };
  const losses: number[] = [];
  let files: ModelFiles | undefined;
  let evaluation: EvaluationSummary | undefined;
  let pausedAt: number | null = null;
  const client: TrainingClient = new TrainingClient(job, {
    onProgress: (p) => {
      losses.push(p.loss.total);
      if (p.iteration === 3) client.pause();
    },
    onPaused: (iteration) => {
      pausedAt = iteration;
      setTimeout(() => client.resume(), 200);
    },
    onEvaluation: (result) => (evaluation = result),
    onModel: (m) => (files = m),
  });
  const summary = await client.done;
  client.terminate();
  if (!files) throw new Error('the worker sent no model');
  const parsed = JSON.parse(files.modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const detector = await detectorFromArtifacts({ modelTopology: parsed.modelTopology, weightSpecs: parsed.weightsManifest[0].weights, weightData: files.weights });
  const saved = tf.io.decodeWeights(files.weights, parsed.weightsManifest[0].weights);
  let weightsMatch = true;
  for (const [name, value] of detector.head.weights()) {
    const a = await value.data();
    const b = await saved[`head/${name}`].data();
    weightsMatch &&= a.length === b.length && a.every((v, i) => v === b[i]);
  }
  const { bitmap } = await fetchImage(heldOut.url); // small images: never shrunk, so proposals need no scaling
  const result = await detector.detect(bitmap, syntheticProposals(heldOut, 200, images.length), { scoreThreshold: 0.01 });
  bitmap.close();
  detector.dispose();
  tf.dispose(Object.values(saved));
  const detections = result.detections.map(({ className, score, box }) => ({ className, score, box }));
  return { losses, iterations: summary.iterations, evaluation, modelBytes: files.weights.byteLength, weightsMatch, detections, pausedAt };
}

/**
 * A "reload" in the middle of training: the first worker is terminated right after its checkpoint at iteration
 * `checkpointAt`; a second one started with the same run id and resume = true goes on from there.
 */
export async function runResume(images: SmokeImage[], classNames: string[], checkpointAt: number, iterations: number): Promise<{ firstIterationAfterResume: number; finalIterations: number }> {
  const runId = `resume-${Date.now()}`;
  const job = (resume: boolean): TrainJob => ({
    runId, mode: 'train', classNames, test: [], resume,
    train: images.map((image, i) => ({ id: `img${i}`, url: image.url, gtBoxes: image.gtBoxes, gtClasses: image.gtClasses, proposals: syntheticProposals(image, 100, i) })),
    config: { ...DEFAULT_TRAIN_CONFIG, solver: scaledSolver(iterations), scale: 256, checkpointEvery: checkpointAt, useFlipped: false },
    head: { ...DEFAULT_HEAD, fc6: 64, fc7: 64 }, backend: 'wasm', featureBackend: 'wasm', proposalMode: 'fast', proposalMaxSide: 300,
    maxProposals: 100, evaluateAtEnd: false, svdRanks: { fc6: null, fc7: null },
  });
  await new Promise<void>((resolve, reject) => {
    const first: TrainingClient = new TrainingClient(job(false), {
      onCheckpoint: () => {
        first.terminate(); // what a page reload does to the worker
        resolve();
      },
    });
    first.done.catch(reject);
  });
  let firstIterationAfterResume = -1;
  const second = new TrainingClient(job(true), {
    onProgress: (p) => {
      if (firstIterationAfterResume < 0) firstIterationAfterResume = p.iteration;
    },
  });
  const summary = await second.done;
  second.terminate();
  return { firstIterationAfterResume, finalIterations: summary.iterations };
}
