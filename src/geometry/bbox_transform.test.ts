import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_DELTA_CLAMP,
  computeTargetStats,
  decodeDeltas,
  encodeDeltas,
  fixedTargetStats,
  normalizeTargets,
  unnormalizeDeltas,
} from './bbox_transform';
import { packBoxes, type Box } from './box';

const boxArb = fc
  .tuple(
    fc.double({ min: -100, max: 500, noNaN: true }),
    fc.double({ min: -100, max: 500, noNaN: true }),
    fc.double({ min: 1, max: 400, noNaN: true }),
    fc.double({ min: 1, max: 400, noNaN: true }),
  )
  .map(([x, y, w, h]): Box => [x, y, x + w, y + h]);

describe('encodeDeltas / decodeDeltas', () => {
  it('zero deltas decode a proposal to itself (reference §11, FR δ≈0)', () => {
    expect(Array.from(decodeDeltas(packBoxes([[10, 10, 29, 49]]), [0, 0, 0, 0]))).toEqual([10, 10, 29, 49]);
  });

  it('a box encodes to zero deltas against itself', () => {
    const p = packBoxes([[3, 4, 50, 60]]);
    expect(Array.from(encodeDeltas(p, p))).toEqual([0, 0, 0, 0]);
  });

  it('follows the parameterization on a hand-worked pair', () => {
    // P: w=20, h=10, centre (20, 15). G: w=40, h=10, centre (30, 20).
    const d = encodeDeltas(packBoxes([[10, 10, 30, 20]]), packBoxes([[10, 15, 50, 25]]));
    expect(d[0]).toBeCloseTo(10 / 20, 6);
    expect(d[1]).toBeCloseTo(5 / 10, 6);
    expect(d[2]).toBeCloseTo(Math.log(2), 6);
    expect(d[3]).toBeCloseTo(0, 6);
  });

  it('decode inverts encode (round trip)', () => {
    fc.assert(
      fc.property(boxArb, boxArb, (p, g) => {
        const proposals = packBoxes([p]);
        const back = decodeDeltas(proposals, encodeDeltas(proposals, packBoxes([g])), { clampLog: Infinity });
        return g.every((v, k) => Math.abs(back[k] - Math.fround(v)) <= 1e-3 * (1 + Math.abs(v)));
      }),
    );
  });

  it('decodes class-major [N, 4K] deltas, one box per class', () => {
    const proposals = packBoxes([[0, 0, 10, 10], [0, 0, 20, 20]]);
    const deltas = [0, 0, 0, 0, 0.1, 0, 0, 0, /* box 2 */ 0, 0, Math.log(2), 0, 0, 0, 0, 0];
    const out = decodeDeltas(proposals, deltas);
    expect(out.length).toBe(16);
    expect(Array.from(out.subarray(0, 8))).toEqual([0, 0, 10, 10, 1, 0, 11, 10]);
    expect(Array.from(out.subarray(8, 12))).toEqual([-10, 0, 30, 20]);
    expect(() => decodeDeltas(proposals, [0, 0, 0])).toThrow(/4K/);
  });

  it('clamps dw/dh at log(1000/16) by default, and not when clampLog is Infinity', () => {
    const proposal = packBoxes([[0, 0, 16, 16]]);
    const huge = [0, 0, 50, 50];
    const clamped = decodeDeltas(proposal, huge);
    expect(clamped[2] - clamped[0]).toBeCloseTo(1000, 2);
    expect(DEFAULT_DELTA_CLAMP).toBeCloseTo(Math.log(62.5), 12);
    const raw = decodeDeltas(proposal, [0, 0, 100, 0], { clampLog: Infinity });
    expect(raw[2]).toBe(Infinity);
  });
});

describe('target normalization', () => {
  const labels = [0, 1, 1, 2];
  const targets = [
    9, 9, 9, 9, // background: ignored by the stats, left unchanged by normalize
    1, 2, 3, 4,
    3, 2, 1, 0,
    0.5, 0.5, 0.5, 0.5, // class 2 has one example: std 0 becomes 1
  ];

  it('computes per-class mean and std over foreground rows', () => {
    const s = computeTargetStats(targets, labels, 4);
    expect(Array.from(s.means.subarray(4, 8))).toEqual([2, 2, 2, 2]);
    expect(Array.from(s.stds.subarray(4, 8))).toEqual([1, 1, 1, 2]); // std 0 of dy becomes 1
    expect(Array.from(s.means.subarray(8, 12))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(s.stds.subarray(8, 12))).toEqual([1, 1, 1, 1]);
    // background and the class with no examples: mean 0, std 1
    expect(Array.from(s.means.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(s.stds.subarray(12, 16))).toEqual([1, 1, 1, 1]);
  });

  it('never yields NaN when E[x²] - E[x]² rounds below zero', () => {
    const t = 0.1 + 0.2; // repeated identical values whose variance is a rounding error
    const s = computeTargetStats(new Array(12).fill(t), [1, 1, 1], 2);
    expect(Array.from(s.stds).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
  });

  it('normalize then unnormalize gives the targets back', () => {
    const s = computeTargetStats(targets, labels, 3);
    const n = normalizeTargets(targets, labels, s);
    expect(Array.from(n.subarray(0, 4))).toEqual([9, 9, 9, 9]);
    expect(Array.from(n.subarray(4, 8))).toEqual([-1, 0, 1, 1]);
    // put row 1 (class 1) into the class-1 columns of a [1, 4K] prediction and undo it
    const prediction = [0, 0, 0, 0, ...n.subarray(4, 8), 0, 0, 0, 0];
    expect(Array.from(unnormalizeDeltas(prediction, s).subarray(4, 8))).toEqual([1, 2, 3, 4]);
  });

  it('builds PF fixed stats and rejects malformed input', () => {
    const s = fixedTargetStats(2);
    expect(Array.from(s.stds)).toEqual([0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.2, 0.2]);
    expect(Array.from(s.means)).toEqual(new Array(8).fill(0));
    expect(() => computeTargetStats([1, 2, 3], [1], 2)).toThrow(/\[N, 4\]/);
    expect(() => computeTargetStats([1, 2, 3, 4], [5], 2)).toThrow(/out of range/);
    expect(() => unnormalizeDeltas([1, 2, 3], s)).toThrow(/\[N, 8\]/);
  });
});
