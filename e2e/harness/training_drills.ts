/**
 * Fault drills for the training worker, run in the harness page by e2e/faults.spec.ts: a tiny job (two images,
 * synthetic proposals, a 64-unit head at scale 256) whose TrainJob.testHooks lose the GPU device or poison a loss,
 * and a "reload" that terminates the worker mid-interval and starts it again with the same run id.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_HEAD } from '../../src/model/defaults';
import { TrainingClient } from '../../src/training/client';
import { DEFAULT_TRAIN_CONFIG, scaledSolver } from '../../src/training/defaults';
import type { ModelFiles, TrainBackend, TrainJob, TrainTestHooks } from '../../src/training/protocol';
import { syntheticProposals, type SmokeImage } from '../../src/training/smoke';

export interface DrillEvents {
  /** Iteration of every progress event, in order (a resumed run repeats the iterations after its checkpoint). */
  readonly iterations: number[];
  readonly learningRates: number[];
  readonly checkpoints: number[];
  readonly nan: { iteration: number; learningRate: number; message: string }[];
  readonly recovered: { iteration: number; message: string }[];
}

export interface DrillJob {
  readonly runId: string;
  readonly iterations: number;
  readonly checkpointEvery: number;
  readonly backend: TrainBackend;
  readonly hooks?: TrainTestHooks;
  readonly resume?: boolean;
}

function trainJob(images: SmokeImage[], drill: DrillJob): TrainJob {
  return {
    runId: drill.runId, mode: 'train', classNames: ['Platelets', 'RBC', 'WBC'], test: [], resume: drill.resume ?? false,
    train: images.map((image, i) => ({ id: `img${i}`, url: image.url, gtBoxes: image.gtBoxes, gtClasses: image.gtClasses, proposals: syntheticProposals(image, 100, i) })),
    config: { ...DEFAULT_TRAIN_CONFIG, solver: { ...scaledSolver(drill.iterations), baseLr: 0.003 }, scale: 256, checkpointEvery: drill.checkpointEvery, useFlipped: false },
    head: { ...DEFAULT_HEAD, fc6: 64, fc7: 64, dropoutRate: 0 }, backend: drill.backend, featureBackend: 'wasm', proposalMode: 'fast', proposalMaxSide: 300,
    maxProposals: 100, evaluateAtEnd: false, svdRanks: { fc6: null, fc7: null }, testHooks: drill.hooks,
  };
}

function emptyEvents(): DrillEvents {
  return { iterations: [], learningRates: [], checkpoints: [], nan: [], recovered: [] };
}

/**
 * Runs the job; `stopAt` terminates the worker (what a page reload does to it) as soon as that iteration's progress
 * arrives. Resolves with the events and, for a finished run, whether every saved weight is finite.
 */
export async function runDrill(images: SmokeImage[], drill: DrillJob, stopAt?: number): Promise<DrillEvents & { finished: boolean; modelFinite: boolean | null; error: string | null }> {
  const events = emptyEvents();
  let files: ModelFiles | null = null;
  let stop: () => void = () => undefined;
  const stopped = new Promise<'stopped'>((resolve) => (stop = () => resolve('stopped')));
  const client: TrainingClient = new TrainingClient(trainJob(images, drill), {
    onProgress: (p) => {
      events.iterations.push(p.iteration);
      events.learningRates.push(p.learningRate);
      if (p.iteration === stopAt) {
        client.terminate();
        stop();
      }
    },
    onCheckpoint: (iteration) => events.checkpoints.push(iteration),
    onNan: (iteration, learningRate, message) => events.nan.push({ iteration, learningRate, message }),
    onRecovered: (iteration, message) => events.recovered.push({ iteration, message }),
    onModel: (model) => (files = model),
  });
  let error: string | null = null;
  const outcome = await Promise.race([client.done.then(() => 'done' as const, (e: unknown) => ((error = String(e)), 'failed' as const)), stopped]);
  client.terminate();
  return { ...events, finished: outcome === 'done', modelFinite: files ? finiteWeights(files) : null, error };
}

function finiteWeights(files: ModelFiles): boolean {
  const manifest = (JSON.parse(files.modelJson) as { weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] }).weightsManifest;
  const decoded = tf.io.decodeWeights(files.weights, manifest.flatMap((group) => group.weights));
  const finite = Object.values(decoded).every((t) => t.dataSync().every((v) => Number.isFinite(v)));
  tf.dispose(Object.values(decoded));
  return finite;
}
