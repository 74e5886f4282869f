import { describe, expect, it } from 'vitest';
import { averageViews, testViews, viewClassBoxes } from './test_flips';

describe('testViews', () => {
  it('runs the image first, then each requested flip once', () => {
    expect(testViews({})).toEqual(['none']);
    expect(testViews({ testFlips: null })).toEqual(['none']);
    expect(testViews({ testFlips: ['hv', 'none', 'h', 'hv'] })).toEqual(['none', 'hv', 'h']);
  });
});

describe('viewClassBoxes', () => {
  const normalization = { means: new Array(8).fill(0), stds: new Array(8).fill(1) };
  const image = { width: 100, height: 50 };
  it('decodes in the mirrored frame and maps the boxes back', () => {
    // the head saw the proposal mirrored, [70, 5, 90, 25], and shifted it right by half its width (dx = 0.5)
    const mirrored = Float32Array.of(70, 5, 90, 25);
    const head = { probabilities: Float32Array.of(0.2, 0.8), deltas: Float32Array.of(0, 0, 0, 0, 0.5, 0, 0, 0) };
    const view = viewClassBoxes(mirrored, 'h', head, normalization, image, { bboxRegression: true, deltaClampLog: Infinity });
    expect(Array.from(view.boxes.subarray(4, 8))).toEqual([0, 5, 20, 25]); // right in the mirror is left here
    expect(Array.from(view.boxes.subarray(0, 4))).toEqual([10, 5, 30, 25]);
    expect(view.probabilities).toBe(head.probabilities);
  });
});

describe('averageViews', () => {
  it('averages scores and boxes element by element', () => {
    const a = { probabilities: Float32Array.of(0.2, 0.8), boxes: Float32Array.of(0, 0, 10, 10, 2, 2, 12, 12) };
    const b = { probabilities: Float32Array.of(0.4, 0.6), boxes: Float32Array.of(0, 0, 10, 10, 4, 0, 14, 10) };
    const mean = averageViews([a, b]);
    mean.probabilities.forEach((v, i) => expect(v).toBeCloseTo([0.3, 0.7][i], 6));
    expect(Array.from(mean.boxes)).toEqual([0, 0, 10, 10, 3, 1, 13, 11]);
    expect(averageViews([a])).toBe(a);
  });
  it('refuses views of different proposals', () => {
    const a = { probabilities: Float32Array.of(0.2, 0.8), boxes: new Float32Array(8) };
    expect(() => averageViews([a, { probabilities: new Float32Array(4), boxes: new Float32Array(16) }])).toThrow(/same proposals/);
    expect(() => averageViews([])).toThrow(/at least one view/);
  });
});
