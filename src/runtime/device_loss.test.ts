import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { deviceLossOf, isDeviceLostMessage, recoveryNotice } from './device_loss';

await tf.setBackend('cpu');

describe('device loss', () => {
  it('recognises the errors a lost GPU device gives, and only those', () => {
    expect(isDeviceLostMessage(new DOMException("Failed to execute 'mapAsync' on 'GPUBuffer': The Device was lost before mapping was resolved.", 'AbortError'))).toBe(true);
    expect(isDeviceLostMessage(new Error('Device was destroyed.'))).toBe(true);
    expect(isDeviceLostMessage(new Error('GPU device is lost'))).toBe(true);
    expect(isDeviceLostMessage(new DOMException('superseded by a newer run', 'AbortError'))).toBe(false);
    expect(isDeviceLostMessage(new Error('The loss stayed NaN/Inf after 5 rollbacks'))).toBe(false);
    expect(deviceLossOf(new Error('shape mismatch'))).toBeNull(); // off WebGPU nothing else counts as a loss
    expect(deviceLossOf(new Error('Device was destroyed.'))).toMatchObject({ reason: 'unknown' });
  });

  it('tells the user what happened and where the detector runs now', () => {
    const loss = { reason: 'unknown', message: 'GPU process crashed.' };
    expect(recoveryNotice(loss, { name: 'webgpu', skipped: [] })).toBe('The GPU device was lost (GPU process crashed); WebGPU was restarted and the model reloaded.');
    const fallback = recoveryNotice(loss, { name: 'webgl', skipped: [{ name: 'webgpu', error: 'no WebGPU adapter could be obtained' }] });
    expect(fallback).toMatch(/could not restart \(no WebGPU adapter could be obtained\), so the detector now runs on webgl/);
  });
});
