import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { BackendRestart, DeviceLoss } from '../runtime/device_loss';
import { withDeviceRecovery, type RecoveryHooks } from './device_recovery';
import { DetectorError } from './errors';

await tf.setBackend('cpu');

const LOST = new Error('Device was destroyed.');

/** Hooks that record what recovery did, in order. */
function recording(weightsGone = false): { hooks: RecoveryHooks; calls: string[] } {
  const calls: string[] = [];
  const hooks: RecoveryHooks = {
    weightsGone: () => weightsGone,
    reload: () => {
      calls.push('reload');
      return Promise.resolve();
    },
    restart: (loss: DeviceLoss) => {
      calls.push(`restart: ${loss.message}`);
      return Promise.resolve({
        name: 'webgpu', reason: 'asked for webgpu: using WebGPU', threads: null, skipped: [], notice: null, basis: 'requested', probe: null, remember: null,
        loss, recoveryNotice: 'restarted',
      } satisfies BackendRestart);
    },
    onProgress: (p) => p.notice && calls.push(`notice: ${p.notice}`),
  };
  return { hooks, calls };
}

/** Work that fails with each of `failures` in turn, then answers 'done'. */
function failing(...failures: Error[]): { work: () => Promise<string>; runs: () => number } {
  let runs = 0;
  return {
    work: () => (runs++ < failures.length ? Promise.reject(failures[runs - 1]) : Promise.resolve('done')),
    runs: () => runs,
  };
}

describe('withDeviceRecovery', () => {
  it('runs the work once when nothing is lost', async () => {
    const { hooks, calls } = recording();
    const { work, runs } = failing();
    await expect(withDeviceRecovery(work, hooks)).resolves.toBe('done');
    expect(runs()).toBe(1);
    expect(calls).toEqual([]);
  });

  it('reloads first when another caller restarted the backend since the weights were uploaded', async () => {
    const { hooks, calls } = recording(true);
    await expect(withDeviceRecovery(failing().work, hooks)).resolves.toBe('done');
    expect(calls).toEqual(['reload']);
  });

  it('restarts the backend, reloads the weights and runs again after a loss, telling the user', async () => {
    const { hooks, calls } = recording();
    const { work, runs } = failing(LOST);
    await expect(withDeviceRecovery(work, hooks)).resolves.toBe('done');
    expect(runs()).toBe(2);
    expect(calls).toEqual([
      'notice: The GPU device was lost (Device was destroyed.): restarting the backend…',
      'restart: Device was destroyed.',
      'reload',
      'notice: restarted',
    ]);
  });

  it('gives up with a backend error when the device is lost again right after the restart', async () => {
    const { work, runs } = failing(LOST, LOST);
    const error = await withDeviceRecovery(work, recording().hooks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DetectorError);
    expect((error as DetectorError).code).toBe('backend');
    expect(runs()).toBe(2);
  });

  it('passes other errors through untouched, and a failed reload as a backend error', async () => {
    const shape = new Error('shape mismatch');
    await expect(withDeviceRecovery(failing(shape).work, recording().hooks)).rejects.toBe(shape);
    const { hooks } = recording(true);
    const broken = { ...hooks, reload: () => Promise.reject(new Error('404')) };
    await expect(withDeviceRecovery(failing().work, broken)).rejects.toMatchObject({ code: 'backend', message: expect.stringMatching(/could not be loaded again: 404/) });
  });
});
