import { describe, expect, it } from 'vitest';
import { iou, type Box } from '../geometry/box';
import { detectionResultFixture } from './testing/detection_result';
import { keptPerClass, viewDetections, type ClassNms } from './detection_view';

/** Naive greedy NMS (the oracle): candidates come sorted by descending score. */
const naiveNms: ClassNms = (boxes: readonly Box[], _scores, threshold) => {
  const kept: number[] = [];
  boxes.forEach((box, i) => {
    if (kept.every((k) => iou(boxes[k], box) <= threshold)) kept.push(i);
  });
  return kept;
};

describe('keptPerClass', () => {
  it("reuses the run's keptIndices at the run's IoU without calling NMS", () => {
    const result = detectionResultFixture();
    const never: ClassNms = () => {
      throw new Error('NMS should not run');
    };
    expect(keptPerClass(result, 0.5, never)).toEqual([[0, 2], [0], [0]]);
  });

  it('redoes NMS at another IoU: at 0.85 the two overlapping RBC boxes (IoU 0.79) both survive', () => {
    expect(keptPerClass(detectionResultFixture(), 0.85, naiveNms)).toEqual([[0, 1, 2], [0], [0]]);
  });
});

describe('viewDetections', () => {
  it("reproduces the model's detections at the run's thresholds", () => {
    const result = detectionResultFixture();
    const view = viewDetections(result, keptPerClass(result, 0.5, naiveNms), { scoreThreshold: 0.5, nmsIouThreshold: 0.5 });
    expect(view.detections.map((d) => [d.className, d.score])).toEqual(result.detections.map((d) => [d.className, d.score]));
    expect(view.suppressed.map((c) => c.key)).toEqual(['1:1']);
    expect(view.suppressed[0].suppressedBy).toBe('1:0');
  });

  it('a lower score threshold shows the weaker boxes, best first, without re-running the network', () => {
    const result = detectionResultFixture();
    const view = viewDetections(result, keptPerClass(result, 0.5, naiveNms), { scoreThreshold: 0.25, nmsIouThreshold: 0.5 });
    expect(view.detections.map((d) => d.key)).toEqual(['2:0', '1:0', '1:2', '3:0']);
  });

  it('carries the source proposal and, where the result has them, the class probabilities', () => {
    const result = detectionResultFixture();
    const view = viewDetections(result, keptPerClass(result, 0.85, naiveNms), { scoreThreshold: 0.5, nmsIouThreshold: 0.85 });
    const rbc0 = view.detections.find((d) => d.key === '1:0');
    const rbc1 = view.detections.find((d) => d.key === '1:1');
    expect(rbc0?.boxBeforeRegression).toEqual([100, 100, 200, 200]);
    expect(rbc0?.classProbabilities).toEqual([0.03, 0.92, 0.04, 0.01]);
    expect(rbc1?.boxBeforeRegression).toEqual([110, 105, 215, 205]);
    expect(rbc1?.classProbabilities).toBeNull();
    expect(view.suppressed).toEqual([]);
  });

  it('caps the number of detections', () => {
    const result = detectionResultFixture();
    const view = viewDetections(result, keptPerClass(result, 0.5, naiveNms), { scoreThreshold: 0, nmsIouThreshold: 0.5, maxDetections: 2 });
    expect(view.detections.map((d) => d.key)).toEqual(['2:0', '1:0']);
  });
});
