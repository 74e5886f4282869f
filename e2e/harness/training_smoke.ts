/**
 * The CI training smoke run, executed in the page by e2e/training.spec.ts: a few images, a few iterations of the
 * real worker path, the worker's evaluation on a held-out image, then the saved files are loaded back through the
 * model's own loader (src/model/weights_io.ts) and run on the held-out image. Proposals are synthetic (gt boxes
 * jittered, plus random boxes) so the test spends no time in selective search. Its jobs, and the fault drills'
 * (training_drills.ts), are built by the app's one builder (src/training/job_builder.ts) with overrides.
 */
import * as tf from '@tensorflow/tfjs';
import { fetchImage } from '../../src/data/image_decode';
import { DEFAULT_HEAD } from '../../src/model/defaults';
import { artifactsFromFiles, detectorFromArtifacts } from '../../src/model/weights_io';
import { TrainingClient } from '../../src/training/client';
import { DEFAULT_SOLVER, DEFAULT_TRAIN_CONFIG } from '../../src/training/defaults';
import { buildTrainJob, recipeFor, type JobRuntime } from '../../src/training/job_builder';
import type { Box } from '../../src/geometry/box';
import type { EvaluationSummary, ModelFiles, TrainBackend, TrainImageSpec, TrainJob } from '../../src/training/protocol';
import type { RecipeOverrides } from '../../src/training/recipe';
import { createRng } from '../../src/training/rng';

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

/** The worker specs of `images` (ids img0, img1, …), with `proposals` synthetic proposals each, seeded by position. */
export function smokeSpecs(images: readonly SmokeImage[], proposals: number, first = 0): TrainImageSpec[] {
  return images.map((image, i) => ({
    id: `img${first + i}`, url: image.url, gtBoxes: image.gtBoxes, gtClasses: image.gtClasses, proposals: syntheticProposals(image, proposals, first + i),
  }));
}

/**
 * A tiny job through the one builder: the recipe for these images, set back to the plain settings the tests' floors
 * were measured with (head-only training, uniform foreground sampling, background near objects, longest side 1000,
 * no box voting, the default learning rate), then `overrides` on top. Features run on wasm unless `runtime` says.
 */
export function smokeJob(classNames: readonly string[], images: { train: readonly SmokeImage[]; test: readonly SmokeImage[] }, proposals: number,
  overrides: RecipeOverrides, runtime: JobRuntime): TrainJob {
  const train = smokeSpecs(images.train, proposals);
  const test = smokeSpecs(images.test, proposals, images.train.length);
  const sizes = new Map([...images.train, ...images.test].map((image, i) => [`img${i}`, { width: image.width, height: image.height }]));
  const recipe = recipeFor({
    classNames, images: { train, validation: [] }, sizes,
    overrides: {
      trainable: 'fc', fgBalance: 'uniform', bgThreshLo: DEFAULT_TRAIN_CONFIG.sampling.bgThreshLo, maxSize: DEFAULT_TRAIN_CONFIG.maxSize,
      boxVotingIou: null, learningRate: DEFAULT_SOLVER.baseLr, retrainOnAll: false, proposalMode: 'fast', proposalMaxSide: 300, maxProposals: 2000,
      ...overrides,
    },
  });
  return buildTrainJob(classNames, { train, validation: [], test }, recipe, { featureBackend: 'wasm', ...runtime });
}

/** Trains on `images`, evaluates on `heldOut` (an image that is not among them), then reloads and detects on it. */
export async function runSmoke(images: SmokeImage[], heldOut: SmokeImage, classNames: string[], iterations: number, backend: TrainBackend): Promise<SmokeResult> {
  if (images.some((image) => image.url === heldOut.url)) throw new Error(`the held-out image ${heldOut.url} is also a training image`);
  const job = smokeJob(classNames, { train: images, test: [heldOut] }, 200, { iterations, learningRate: 0.003, scale: 320, dropout: 0 },
    { runId: `smoke-${Date.now()}`, backend, checkpointEvery: 4, svdRanks: { fc6: 32, fc7: null } });
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
  const artifacts = artifactsFromFiles(files);
  const detector = await detectorFromArtifacts(artifacts);
  const saved = tf.io.decodeWeights(files.weights, artifacts.weightSpecs!);
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
  const job = (resume: boolean): TrainJob => smokeJob(classNames, { train: images, test: [] }, 100,
    { iterations, scale: 256, flip: false, maxProposals: 100, head: { fc6: 64, fc7: 64 }, dropout: DEFAULT_HEAD.dropoutRate },
    { runId, backend: 'wasm', resume, checkpointEvery: checkpointAt });
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
