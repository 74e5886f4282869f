/**
 * A training job that survives a lost GPU device (issue 9): when a run fails because the WebGPU device was lost
 * (device.lost, or the AbortError every read then gives; src/runtime/device_loss.ts), the tfjs engine is reset
 * (the dead 'webgpu' backend and every tensor of the attempt go) and the job runs again with `resume: true`, so
 * it goes on from its last IndexedDB checkpoint (at most `checkpointEvery` iterations are redone). Proposals the
 * failed attempt computed are handed to the next one; the frozen-prefix features are computed again (their
 * backend may have been the lost one).
 */
import * as tf from '@tensorflow/tfjs';
import { deviceLossOf } from '../runtime/device_loss';
import { deleteCheckpoint, hasIndexedDb, loadCheckpoint } from './checkpoint_store';
import type { FromWorker, Post, TrainImageSpec, TrainJob } from './protocol';
import type { RunControl } from './run_control';
import { runJob } from './run_training';

/** Losses in one job after which it gives up (a GPU that keeps resetting will not finish a run). */
export const MAX_DEVICE_RECOVERIES = 3;

export type JobRunner = (job: TrainJob, control: RunControl, post: Post) => Promise<void>;

export async function runRecovering(job: TrainJob, control: RunControl, post: Post, run: JobRunner = runJob): Promise<void> {
  // a fresh run must never resume from an older run's checkpoint stored under the same id
  if (job.mode === 'train' && !job.resume && hasIndexedDb()) await deleteCheckpoint(job.runId).catch(() => undefined);
  const proposals = new Map<string, Float32Array>();
  const relay: Post = (message: FromWorker, transfer?: Transferable[]) => {
    if (message.type === 'proposals') proposals.set(message.id, message.boxes.slice());
    post(message, transfer);
  };
  let attempt = job;
  for (let recoveries = 0; ; recoveries++) {
    try {
      return await run(attempt, control, relay);
    } catch (error) {
      const loss = deviceLossOf(error);
      if (loss === null || control.cancelled) throw error;
      if (recoveries >= MAX_DEVICE_RECOVERIES) {
        throw new Error(`The GPU device was lost ${recoveries + 1} times in this run (${loss.message}); giving up. Start again, or train on the wasm backend.`, { cause: error });
      }
      // a fresh engine: every tensor of the failed attempt is freed (on wasm too), every backend starts again when
      // next selected, and 'webgpu' (its factory is kept) asks the adapter for a new device
      tf.engine().reset();
      const checkpoint = job.mode === 'train' && hasIndexedDb() ? await loadCheckpoint(job.runId) : undefined;
      const from = checkpoint ? `the checkpoint at iteration ${checkpoint.iteration}` : 'the start (no checkpoint yet)';
      post({ type: 'recovered', iteration: checkpoint?.iteration ?? 0, message: `The GPU device was lost (${loss.message}); WebGPU was restarted and training resumes from ${from}.` });
      attempt = nextAttempt(job, proposals);
    }
  }
}

/** The job again: resuming, with the proposals computed so far, and without the device-loss drill (it fired). */
export function nextAttempt(job: TrainJob, proposals: ReadonlyMap<string, Float32Array>): TrainJob {
  const fill = (image: TrainImageSpec): TrainImageSpec => (image.proposals || !proposals.has(image.id) ? image : { ...image, proposals: proposals.get(image.id) });
  const hooks = job.testHooks && { ...job.testHooks, loseDeviceAtIteration: undefined };
  return { ...job, resume: true, train: job.train.map(fill), test: job.test.map(fill), testHooks: hooks };
}
