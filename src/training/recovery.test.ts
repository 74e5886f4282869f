import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_HEAD } from '../model/defaults';
import { DEFAULT_TRAIN_CONFIG } from './defaults';
import type { FromWorker, TrainJob } from './protocol';
import { MAX_DEVICE_RECOVERIES, nextAttempt, runRecovering } from './recovery';
import { RunControl } from './run_control';

await tf.setBackend('cpu');

const job: TrainJob = {
  runId: 'r', mode: 'train', classNames: ['a'], test: [],
  train: [{ id: 'x', url: 'x.jpg', gtBoxes: [0, 0, 4, 4], gtClasses: [1] }, { id: 'y', url: 'y.jpg', gtBoxes: [0, 0, 4, 4], gtClasses: [1], proposals: Float32Array.of(1, 1, 3, 3) }],
  config: DEFAULT_TRAIN_CONFIG, head: DEFAULT_HEAD, backend: 'webgpu', featureBackend: 'wasm', proposalMode: 'fast', proposalMaxSide: 300,
  maxProposals: 10, resume: false, evaluateAtEnd: false, svdRanks: { fc6: null, fc7: null }, testHooks: { loseDeviceAtIteration: 3, nanLossAtIterations: [5] },
};
const LOST = new DOMException("Failed to execute 'mapAsync' on 'GPUBuffer': The Device was lost before mapping was resolved.", 'AbortError');

describe('runRecovering', () => {
  it('runs the job again, resuming, after a lost device, and tells the page', async () => {
    const attempts: TrainJob[] = [];
    const posted: FromWorker[] = [];
    await runRecovering(job, new RunControl(), (m) => posted.push(m), async (attempt, _control, post) => {
      attempts.push(attempt);
      if (attempts.length === 1) {
        post({ type: 'proposals', id: 'x', boxes: Float32Array.of(0, 0, 2, 2) });
        throw LOST;
      }
    });
    expect(attempts.map((a) => a.resume)).toEqual([false, true]);
    expect(Array.from(attempts[1].train[0].proposals ?? [])).toEqual([0, 0, 2, 2]); // computed once, handed on
    expect(attempts[1].testHooks).toEqual({ loseDeviceAtIteration: undefined, nanLossAtIterations: [5] });
    const recovered = posted.find((m) => m.type === 'recovered');
    expect(recovered).toMatchObject({ type: 'recovered', iteration: 0 });
    expect(recovered && 'message' in recovered && recovered.message).toMatch(/GPU device was lost .*resumes from the start/);
  });

  it('passes any other error through, and gives up on a device that keeps getting lost', async () => {
    const other = new Error('The loss stayed NaN/Inf after 5 rollbacks');
    await expect(runRecovering(job, new RunControl(), () => undefined, () => Promise.reject(other))).rejects.toBe(other);
    let runs = 0;
    const failing = () => {
      runs++;
      return Promise.reject(LOST);
    };
    await expect(runRecovering(job, new RunControl(), () => undefined, failing)).rejects.toThrow(/lost 4 times in this run/);
    expect(runs).toBe(MAX_DEVICE_RECOVERIES + 1);
  });

  it('keeps supplied proposals and never loses one', () => {
    const next = nextAttempt(job, new Map([['y', Float32Array.of(9, 9, 9, 9)]]));
    expect(Array.from(next.train[1].proposals ?? [])).toEqual([1, 1, 3, 3]);
    expect(next.train[0].proposals).toBeUndefined();
  });
});
