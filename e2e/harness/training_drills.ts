/**
 * Fault drills for the training worker, run in the harness page by e2e/faults.spec.ts: a tiny job (two images,
 * synthetic proposals, a 64-unit head at scale 256) whose TrainJob.testHooks lose the GPU device or poison a loss,
 * and a "reload" that terminates the worker mid-interval and starts it again with the same run id.
 */
import * as tf from '@tensorflow/tfjs';
import { artifactsFromFiles } from '../../src/model/weights_io';
import { TrainingClient } from '../../src/training/client';
import type { ModelFiles, TrainBackend, TrainJob, TrainTestHooks } from '../../src/training/protocol';
import { smokeJob, type SmokeImage } from './training_smoke';

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
  const job = smokeJob(['Platelets', 'RBC', 'WBC'], { train: images, test: [] }, 100,
    { iterations: drill.iterations, learningRate: 0.003, scale: 256, flip: false, maxProposals: 100, head: { fc6: 64, fc7: 64 }, dropout: 0 },
    { runId: drill.runId, backend: drill.backend, resume: drill.resume ?? false, checkpointEvery: drill.checkpointEvery });
  return { ...job, testHooks: drill.hooks };
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
  const decoded = tf.io.decodeWeights(files.weights, artifactsFromFiles(files).weightSpecs!);
  const finite = Object.values(decoded).every((t) => t.dataSync().every((v) => Number.isFinite(v)));
  tf.dispose(Object.values(decoded));
  return finite;
}
