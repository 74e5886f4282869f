import { describe, expect, it } from 'vitest';
import { fixedTargetStats } from '../geometry/bbox_transform';
import { buildRoidbEntry } from './roidb';
import { bboxTargetBlob, foldTargetStats, roidbTargetStats } from './targets';

describe('roidbTargetStats', () => {
  it('averages the targets of the example RoIs per class (gt boxes included)', () => {
    // gt [0,0,100,100]; proposal [10,0,110,100] has IoU 0.818 and target dx = -0.1
    const e = buildRoidbEntry(
      { imageIndex: 0, width: 200, height: 200, gtBoxes: Float32Array.of(0, 0, 100, 100), gtClasses: [1], proposals: Float32Array.of(10, 0, 110, 100) },
      'none',
    );
    const stats = roidbTargetStats([e], 2);
    expect(stats.means[4]).toBeCloseTo(-0.05, 6); // mean of 0 (gt) and -0.1
    expect(stats.stds[4]).toBeCloseTo(0.05, 6);
    expect(stats.stds[5]).toBe(1); // dy is always 0: a zero std becomes 1
    expect(stats.means[8]).toBe(0); // class 2 has no example
  });
});

describe('bboxTargetBlob', () => {
  it('writes the normalized target into the 4 columns of its class only', () => {
    const stats = fixedTargetStats(3);
    const blob = bboxTargetBlob([0.1, 0.2, 0.4, -0.2, 9, 9, 9, 9], [2, 0], 2, stats);
    expect(Array.from(blob.targets.subarray(0, 12)).map((v) => +v.toFixed(5))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, -1]);
    expect(Array.from(blob.weights.subarray(0, 12))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(blob.targets.subarray(12))).toEqual(new Array(12).fill(0));
    expect(Array.from(blob.weights.subarray(12))).toEqual(new Array(12).fill(0));
  });
});

describe('foldTargetStats', () => {
  it('makes x·W\' + b\' equal (x·W + b)·std + mean', () => {
    const stats = { numClasses: 1, means: Float64Array.of(0.5, -1, 0, 2), stds: Float64Array.of(2, 0.5, 1, 3) };
    const kernel = Float32Array.of(1, 2, 3, 4, -1, 0, 1, 0.5); // [2, 4]
    const bias = Float32Array.of(0.1, 0.2, 0.3, 0.4);
    const x = [3, -2];
    const { kernel: k2, bias: b2 } = foldTargetStats(kernel, bias, stats);
    for (let j = 0; j < 4; j++) {
      const raw = x[0] * kernel[j] + x[1] * kernel[4 + j] + bias[j];
      const folded = x[0] * k2[j] + x[1] * k2[4 + j] + b2[j];
      expect(folded).toBeCloseTo(raw * stats.stds[j] + stats.means[j], 5);
    }
  });
});
