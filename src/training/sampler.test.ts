import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLING } from './defaults';
import { createRng } from './rng';
import { buildRoidbEntry } from './roidb';
import { ImageOrder, sampleRoisForImage } from './sampler';

/** One gt box at [0,0,100,100] and proposals of chosen IoU: a box [0,0,w,100] has IoU w/100 with it. */
function entryWith(fgCount: number, bgCount: number, lowCount: number) {
  const boxes: number[] = [];
  for (let i = 0; i < fgCount; i++) boxes.push(0, 0, 60 + (i % 40), 100); // IoU in [0.6, 1)
  for (let i = 0; i < bgCount; i++) boxes.push(0, 0, 12 + (i % 30), 100); // IoU in [0.12, 0.42)
  for (let i = 0; i < lowCount; i++) boxes.push(0, 0, 5, 100); // IoU 0.05: never sampled
  return buildRoidbEntry(
    { imageIndex: 0, width: 200, height: 200, gtBoxes: Float32Array.of(0, 0, 100, 100), gtClasses: [3], proposals: Float32Array.from(boxes) },
    'none',
  );
}

describe('sampleRoisForImage', () => {
  it('fills the quotas: 16 fg then 48 bg of 64 per image', () => {
    const e = entryWith(100, 200, 10);
    const s = sampleRoisForImage(e, DEFAULT_SAMPLING, createRng(1));
    expect(s.roiIndices.length).toBe(64);
    expect(s.numFg).toBe(16);
    s.roiIndices.forEach((i, k) => {
      if (k < 16) expect(e.maxOverlaps[i]).toBeGreaterThanOrEqual(0.5);
      else {
        expect(e.maxOverlaps[i]).toBeGreaterThanOrEqual(0.1);
        expect(e.maxOverlaps[i]).toBeLessThan(0.5);
      }
    });
    expect(Array.from(s.labels.subarray(0, 16))).toEqual(new Array(16).fill(3));
    expect(Array.from(s.labels.subarray(16))).toEqual(new Array(48).fill(0));
  });

  it('samples without replacement', () => {
    const s = sampleRoisForImage(entryWith(100, 200, 0), DEFAULT_SAMPLING, createRng(2));
    expect(new Set(s.roiIndices).size).toBe(s.roiIndices.length);
  });

  it('can draw the gt box itself as a foreground RoI', () => {
    const e = entryWith(0, 100, 0); // only the gt box reaches IoU 0.5
    const s = sampleRoisForImage(e, DEFAULT_SAMPLING, createRng(3));
    expect(s.numFg).toBe(1);
    expect(s.roiIndices[0]).toBe(0);
  });

  it('takes more background when fg runs short, and a smaller batch when both do', () => {
    const short = sampleRoisForImage(entryWith(3, 200, 0), DEFAULT_SAMPLING, createRng(4));
    expect(short.numFg).toBe(4); // 3 proposals + the gt box
    expect(short.roiIndices.length).toBe(64);
    const tiny = sampleRoisForImage(entryWith(2, 5, 50), DEFAULT_SAMPLING, createRng(5));
    expect(tiny.numFg).toBe(3);
    expect(tiny.roiIndices.length).toBe(8);
  });
});

describe('ImageOrder', () => {
  it('visits every image once per epoch, N at a time', () => {
    const order = new ImageOrder(6, createRng(7));
    const seen = [...order.next(2), ...order.next(2), ...order.next(2)].sort();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('resumes from a saved state', () => {
    const a = new ImageOrder(10, createRng(8));
    a.next(2);
    const b = new ImageOrder(10, createRng(9), a.state());
    expect(b.next(2)).toEqual(a.next(2));
  });
});

describe('per-class foreground balance', () => {
  /** gt 1 (class 1) with `rare` overlapping proposals, gt 2 (class 2) with `common`. */
  function twoClassEntry(rare: number, common: number) {
    const boxes: number[] = [];
    for (let i = 0; i < rare; i++) boxes.push(0, 0, 70 + i, 100);
    for (let i = 0; i < common; i++) boxes.push(200, 0, 270 + (i % 30), 100);
    for (let i = 0; i < 200; i++) boxes.push(0, 0, 20 + (i % 20), 100); // background
    return buildRoidbEntry(
      { imageIndex: 0, width: 400, height: 200, gtBoxes: Float32Array.of(0, 0, 100, 100, 200, 0, 300, 100), gtClasses: [1, 2], proposals: Float32Array.from(boxes) },
      'none',
    );
  }
  const count = (labels: Int32Array, c: number) => labels.filter((l) => l === c).length;

  it('gives each class present an equal share of the 16 foreground RoIs', () => {
    const s = sampleRoisForImage(twoClassEntry(20, 100), { ...DEFAULT_SAMPLING, fgBalance: 'per-class' }, createRng(4));
    expect(s.numFg).toBe(16);
    expect(count(s.labels, 1)).toBe(8);
    expect(count(s.labels, 2)).toBe(8);
  });

  it('passes a short class share on to the others, and takes all of the rare one', () => {
    const s = sampleRoisForImage(twoClassEntry(3, 100), { ...DEFAULT_SAMPLING, fgBalance: 'per-class' }, createRng(5));
    expect(s.numFg).toBe(16);
    expect(count(s.labels, 1)).toBe(4); // 3 proposals + the gt box itself
    expect(count(s.labels, 2)).toBe(12);
    expect(new Set(s.roiIndices).size).toBe(s.roiIndices.length);
  });

  it('uniform sampling (the paper) lets the common class dominate', () => {
    let rare = 0;
    for (let seed = 0; seed < 20; seed++) rare += count(sampleRoisForImage(twoClassEntry(3, 100), DEFAULT_SAMPLING, createRng(seed)).labels, 1);
    expect(rare / 20).toBeLessThan(2);
  });
});
