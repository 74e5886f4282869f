import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { batchedNms, nms } from './nms';
import { iou, packBoxes, type Box } from './box';

/** The textbook algorithm, as torchvision's CPU kernel writes it: sort stably, then suppress later boxes. */
function referenceBatchedNms(boxes: Box[], scores: number[], classes: number[], thr: number): number[] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const suppressed = new Set<number>();
  const keep: number[] = [];
  order.forEach((i, p) => {
    if (suppressed.has(i)) return;
    keep.push(i);
    for (const j of order.slice(p + 1)) if (classes[j] === classes[i] && iou(boxes[i], boxes[j]) > thr) suppressed.add(j);
  });
  return keep;
}

function randomProblem(n: number, numClasses: number, seed: number, wideEvery = 0) {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const boxes: Box[] = [];
  for (let i = 0; i < n; i++) {
    const big = wideEvery > 0 && i % wideEvery === 0;
    const w = big ? 300 + 500 * rand() : 5 + 60 * rand();
    const h = big ? 300 + 500 * rand() : 5 + 60 * rand();
    const x = 800 * rand() - 50;
    const y = 600 * rand() - 50;
    boxes.push([Math.fround(x), Math.fround(y), Math.fround(x + w), Math.fround(y + h)]);
  }
  const scores = boxes.map(() => Math.fround(rand()));
  const classes = boxes.map(() => Math.floor(rand() * numClasses));
  return { boxes, scores, classes };
}

describe('nms', () => {
  it('keeps the §11 pair a, b at 0.3 (IoU 0.2857 without +1) and suppresses by class only', () => {
    const boxes = packBoxes([[0, 0, 9, 9], [5, 0, 14, 9], [0, 0, 9, 19]]);
    expect(Array.from(nms(boxes, [0.9, 0.8, 0.7], 0.3))).toEqual([0, 1]); // c: IoU(a, c) = 0.4737 > 0.3
    expect(Array.from(nms(boxes, [0.9, 0.8, 0.7], 0.5))).toEqual([0, 1, 2]);
    expect(Array.from(batchedNms(boxes, [0.9, 0.8, 0.7], [0, 0, 1], 0.3))).toEqual([0, 1, 2]);
  });

  it('suppresses only when IoU > threshold, not when equal', () => {
    const boxes = packBoxes([[0, 0, 10, 10], [0, 0, 10, 20]]); // IoU exactly 0.5
    expect(Array.from(nms(boxes, [0.9, 0.8], 0.5))).toEqual([0, 1]);
    expect(Array.from(nms(boxes, [0.9, 0.8], 0.49))).toEqual([0]);
  });

  it('breaks score ties by lower index first', () => {
    const boxes = packBoxes([[50, 50, 60, 60], [0, 0, 10, 10], [0, 0, 10, 10.5], [20, 20, 30, 30]]);
    expect(Array.from(nms(boxes, [0.5, 0.5, 0.5, 0.5], 0.5))).toEqual([0, 1, 3]);
  });

  it('keeps empty and non-finite boxes, sorts NaN scores last, and returns [] for no input', () => {
    const boxes = packBoxes([[0, 0, 10, 10], [0, 0, 0, 10], [0, 0, 10, 10], [Number.NaN, 0, 10, 10]]);
    expect(Array.from(nms(boxes, [Number.NaN, 0.9, 0.8, 0.7], 0.5))).toEqual([1, 2, 3]);
    expect(Array.from(nms(new Float32Array(0), [], 0.5))).toEqual([]);
  });

  it('rejects mismatched lengths and a NaN or negative threshold', () => {
    expect(() => nms(new Float32Array(8), [1], 0.5)).toThrow(/agree/);
    expect(() => nms(new Float32Array(4), [1], Number.NaN)).toThrow(RangeError);
    expect(() => nms(new Float32Array(4), [1], -0.1)).toThrow(RangeError);
  });

  it('matches the reference algorithm on random inputs (linear and grid paths)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer(),
        fc.constantFrom(0, 0.1, 0.3, 0.5, 0.7, 0.95),
        fc.constantFrom(0, 7),
        (n, k, seed, thr, wideEvery) => {
          const { boxes, scores, classes } = randomProblem(n, k, seed, wideEvery);
          const ours = Array.from(batchedNms(packBoxes(boxes), scores, classes, thr));
          expect(ours).toEqual(referenceBatchedNms(boxes, scores, classes, thr));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('matches the reference on integer boxes, where IoU often equals the threshold exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(20), fc.nat(20), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 8 })), { minLength: 1, maxLength: 300 }), (raw) => {
        const boxes = raw.map(([x, y, w, h]): Box => [x, y, x + w, y + h]);
        const scores = raw.map((_, i) => (i * 7919) % 13); // many ties
        const classes = raw.map(() => 0);
        for (const thr of [0, 0.25, 0.5, 0.8]) {
          expect(Array.from(batchedNms(packBoxes(boxes), scores, classes, thr))).toEqual(referenceBatchedNms(boxes, scores, classes, thr));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('matches the reference on degenerate layouts (grid path): one centre, nested sizes, extreme scales', () => {
    const same: Box[] = Array.from({ length: 300 }, () => [10, 10, 20, 20]);
    const nested: Box[] = Array.from({ length: 300 }, (_, i) => [-i, -i, 1 + i, 1 + i]);
    const scales: Box[] = Array.from({ length: 300 }, (_, i) => {
      const size = 10 ** (((i * 37) % 100) / 14 - 3); // 1e-3 .. 1e4
      const c = ((i * 53) % 97) * 3;
      return [c, c, c + size, c + size * 0.7];
    });
    const scores = Array.from({ length: 300 }, (_, i) => ((i * 7919) % 1000) / 1000);
    const classes = scores.map(() => 0);
    for (const boxes of [same, nested, scales]) {
      for (const thr of [0, 0.3, 0.5, 0.9, 1]) {
        expect(Array.from(batchedNms(Float64Array.from(boxes.flat()), scores, classes, thr))).toEqual(referenceBatchedNms(boxes, scores, classes, thr));
      }
    }
  });

  it('sorted input and maxKept give the first maxKept of the full run per class (linear and grid paths, isolated boxes)', () => {
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: 1, max: 400 }), k: fc.integer({ min: 1, max: 3 }), seed: fc.integer(), thr: fc.constantFrom(0, 0.3, 0.7, 1), maxKept: fc.nat(60) }),
        ({ n, k, seed, thr, maxKept }) => {
          const problem = randomProblem(n, k, seed, 7);
          problem.boxes[n >> 1] = [5, 5, 5, 9]; // empty: kept, and counted against maxKept
          const order = problem.scores.map((_, i) => i).sort((a, b) => problem.scores[b] - problem.scores[a] || a - b);
          const boxes = order.map((i) => problem.boxes[i]), scores = order.map((i) => problem.scores[i]), classes = order.map((i) => problem.classes[i]);
          const full = referenceBatchedNms(boxes, scores, classes, thr);
          const perClass = new Map<number, number>();
          const expected = full.filter((i) => {
            const count = (perClass.get(classes[i]) ?? 0) + 1;
            perClass.set(classes[i], count);
            return count <= maxKept;
          });
          expect(Array.from(batchedNms(packBoxes(boxes), scores, classes, thr, { sorted: true, maxKept }))).toEqual(expected);
          expect(Array.from(batchedNms(packBoxes(problem.boxes), problem.scores, problem.classes, thr, { maxKept })).map((i) => order.indexOf(i))).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects sorted input that is out of order, and a negative maxKept', () => {
    const boxes = packBoxes([[0, 0, 9, 9], [20, 0, 29, 9]]);
    expect(Array.from(nms(boxes, [0.9, Number.NaN], 0.5, { sorted: true }))).toEqual([0, 1]);
    expect(() => nms(boxes, [0.5, 0.9], 0.5, { sorted: true })).toThrow(/0\.9 at 1 above 0\.5 at 0/);
    expect(() => nms(boxes, [Number.NaN, 0.9], 0.5, { sorted: true })).toThrow(/sorted/);
    expect(() => nms(boxes, [0.9, 0.5], 0.5, { maxKept: -1 })).toThrow(RangeError);
  });

  it('matches the reference at 5,000 boxes with wide boxes mixed in', () => {
    const { boxes, scores, classes } = randomProblem(5000, 1, 42, 50);
    expect(Array.from(batchedNms(packBoxes(boxes), scores, classes, 0.3))).toEqual(referenceBatchedNms(boxes, scores, classes, 0.3));
  });
});

// The conformance command (npm run check:golden) runs this too; here it guards the unit-test loop. The golden file
// is required (scripts/lib/require_shared.mjs stops the run up front without it), never skipped.
const golden = new URL('../../../shared/golden/nms.json', import.meta.url);
describe('nms golden (torchvision.ops.batched_nms)', () => {
  it('reproduces keepInScoreOrder of every case exactly', () => {
    const { cases } = JSON.parse(readFileSync(golden, 'utf8')) as {
      cases: { boxes: Box[]; scores: number[]; classes: number[]; iouThreshold: number; keepInScoreOrder: number[] }[];
    };
    for (const c of cases) {
      const boxes = Float64Array.from(c.boxes.flat());
      expect(Array.from(batchedNms(boxes, c.scores, c.classes, c.iouThreshold))).toEqual(c.keepInScoreOrder);
    }
  });
});
