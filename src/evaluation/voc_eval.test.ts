import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateVoc, inclusiveIou, type VocDetection, type VocImageAnnotation } from './voc_eval';

const cat = (box: [number, number, number, number], difficult = 0) => ({ name: 'cat', difficult, box });
const det = (image: string, score: number, box: [number, number, number, number]): VocDetection => ({ image, score, box });

describe('inclusiveIou (+1 pixel convention)', () => {
  it('reproduces the §11 pairs', () => {
    expect(inclusiveIou([0, 0, 9, 9], [5, 0, 14, 9])).toBeCloseTo(50 / 150, 15);
    expect(inclusiveIou([0, 0, 9, 9], [0, 0, 9, 19])).toBe(0.5);
    expect(inclusiveIou([0, 0, 9, 9], [10, 0, 19, 9])).toBe(0);
  });
});

describe('evaluateVoc', () => {
  const groundTruth: Record<string, VocImageAnnotation> = {
    img1: { objects: [cat([1, 1, 10, 10]), cat([20, 20, 29, 29], 1), { name: 'dog', difficult: 0, box: [1, 1, 10, 10] }] },
    img2: { objects: [cat([1, 1, 10, 10])] },
  };
  // worked by hand: TP, duplicate FP, difficult (ignored), image without gt FP, TP
  const detections = {
    cat: [
      det('img2', 0.5, [1, 1, 10, 10]),
      det('img1', 0.9, [1, 1, 10, 10]),
      det('img1', 0.8, [1, 1, 10, 10]),
      det('img1', 0.7, [20, 20, 29, 29]),
      det('img3', 0.6, [1, 1, 5, 5]),
    ],
  };

  it('matches greedily, ignores difficult gt, counts duplicates and unknown images as FP', () => {
    const r = evaluateVoc({ groundTruth, detections }, { classes: ['cat'] }).perClass.cat;
    expect(r.npos).toBe(2);
    expect([r.numDetections, r.truePositives, r.falsePositives, r.ignored]).toEqual([5, 2, 2, 1]);
    expect(Array.from(r.recall)).toEqual([0.5, 0.5, 0.5, 0.5, 1]);
    expect(Array.from(r.precision)).toEqual([1, 0.5, 0.5, 1 / 3, 0.5]);
    expect(r.voc07).toBeCloseTo(8.5 / 11, 15);
    expect(r.area).toBeCloseTo(0.75, 15);
  });

  it('requires IoU strictly above the threshold', () => {
    const gt = { a: { objects: [cat([0, 0, 9, 9])] } };
    const at = (box: [number, number, number, number]) =>
      evaluateVoc({ groundTruth: gt, detections: { cat: [det('a', 1, box)] } }).perClass.cat.truePositives;
    expect(at([0, 0, 9, 19])).toBe(0); // IoU exactly 0.5
    expect(at([0, 0, 9, 18])).toBe(1);
    expect(evaluateVoc({ groundTruth: gt, detections: { cat: [det('a', 1, [0, 0, 9, 19])] } }, { iouThreshold: 0.4 }).perClass.cat.truePositives).toBe(1);
  });

  it('counts a detection whose best gt is taken as FP, even if another gt overlaps enough', () => {
    const gt = { a: { objects: [cat([1, 1, 10, 10]), cat([1, 1, 10, 12])] } };
    const r = evaluateVoc({ groundTruth: gt, detections: { cat: [det('a', 0.9, [1, 1, 10, 10]), det('a', 0.8, [1, 1, 10, 10])] } }).perClass.cat;
    expect([r.truePositives, r.falsePositives]).toEqual([1, 1]);
  });

  it('sorts stably: equal scores keep input order', () => {
    const gt = { a: { objects: [cat([1, 1, 10, 10])] } };
    const miss = det('a', 0.5, [50, 50, 60, 60]);
    const hit = det('a', 0.5, [1, 1, 10, 10]);
    expect(Array.from(evaluateVoc({ groundTruth: gt, detections: { cat: [miss, hit] } }).perClass.cat.precision)).toEqual([0, 0.5]);
    expect(Array.from(evaluateVoc({ groundTruth: gt, detections: { cat: [hit, miss] } }).perClass.cat.precision)).toEqual([1, 0.5]);
  });

  it("ranks ties as numpy's argsort does with tieOrder 'numpy'", () => {
    const gt = { a: { objects: [cat([1, 1, 10, 10])] } };
    const miss = det('a', 0.5, [50, 50, 60, 60]);
    const hit = det('a', 0.5, [1, 1, 10, 10]);
    // for two elements numpy's insertion sort keeps input order, like the stable sort
    expect(Array.from(evaluateVoc({ groundTruth: gt, detections: { cat: [miss, hit] } }, { tieOrder: 'numpy' }).perClass.cat.precision)).toEqual([0, 0.5]);
  });

  it('accepts Maps, defaults the class list, and leaves classes without positives out of the mAP', () => {
    const r = evaluateVoc({ groundTruth: new Map(Object.entries(groundTruth)), detections: new Map([...Object.entries(detections), ['bird', []]]) });
    expect(Object.keys(r.perClass)).toEqual(['cat', 'bird', 'dog']);
    expect(r.perClass.bird.npos).toBe(0);
    expect(r.perClass.bird.voc07).toBeNaN();
    expect(r.perClass.dog.voc07).toBe(0); // positives but no detections
    expect(r.mAP.voc07).toBeCloseTo((8.5 / 11 + 0) / 2, 15);
    expect(r.mAP.area).toBeCloseTo(0.75 / 2, 15);
  });
});

// The conformance command (npm run check:golden) runs this too; here it guards the unit-test loop. The golden file
// is required (scripts/lib/require_shared.mjs stops the run up front without it), never skipped.
const golden = new URL('../../../shared/golden/voc_ap.json', import.meta.url);
describe('VOC AP golden (py-faster-rcnn voc_eval.py)', () => {
  it('reproduces both metrics for every class to 1e-6 with numpy tie order', () => {
    const g = JSON.parse(readFileSync(golden, 'utf8'));
    const r = evaluateVoc(g, { classes: g.classes, tieOrder: 'numpy' });
    for (const name of g.classes as string[]) {
      expect(Math.abs(r.perClass[name].voc07 - g.ap.voc07_11point[name])).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(r.perClass[name].area - g.ap.area[name])).toBeLessThanOrEqual(1e-6);
    }
  });

  it('differs in stable order only through the tie that numpy ranks the other way (dog, score 0.0163)', () => {
    const g = JSON.parse(readFileSync(golden, 'utf8'));
    const stable = evaluateVoc(g, { classes: g.classes });
    expect(Math.abs(stable.perClass.dog.voc07 - g.ap.voc07_11point.dog)).toBeGreaterThan(1e-4);
    // swapping the two tied detections (input indices 10 and 34) in the input reproduces the golden
    const dog = [...g.detections.dog];
    [dog[10], dog[34]] = [dog[34], dog[10]];
    const swapped = evaluateVoc({ ...g, detections: { ...g.detections, dog } }, { classes: ['dog'] });
    expect(Math.abs(swapped.perClass.dog.voc07 - g.ap.voc07_11point.dog)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(swapped.perClass.dog.area - g.ap.area.dog)).toBeLessThanOrEqual(1e-6);
  });
});
