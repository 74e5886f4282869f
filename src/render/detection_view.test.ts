import { describe, expect, it } from 'vitest';
import type { DetectionResult } from '../model/detection_types';
import { detectionResultFixture } from './testing/detection_result';
import { detectionView } from './detection_view';

describe('detectionView', () => {
  it("reproduces the model's detections at the run's thresholds", () => {
    const result = detectionResultFixture();
    const view = detectionView(result, { scoreThreshold: 0.5, nmsIouThreshold: 0.5 });
    expect(view.detections.map((d) => [d.className, d.score, d.box])).toEqual(result.detections.map((d) => [d.className, d.score, d.box]));
    expect(view.suppressed.map((c) => c.key)).toEqual(['1:1']);
    expect(view.suppressed[0].suppressedBy).toBe('1:0');
  });

  it('a lower score threshold shows the weaker boxes, best first, without re-running the network', () => {
    const view = detectionView(detectionResultFixture(), { scoreThreshold: 0.25, nmsIouThreshold: 0.5 });
    expect(view.detections.map((d) => d.key)).toEqual(['2:0', '1:0', '1:2', '3:0']);
  });

  it('the score threshold is strict, as in detect(): a box scoring exactly the threshold is not shown', () => {
    const view = detectionView(detectionResultFixture(), { scoreThreshold: 0.45, nmsIouThreshold: 0.5 });
    expect(view.detections.map((d) => d.key)).toEqual(['2:0', '1:0']);
  });

  it('redoes NMS at another IoU: at 0.85 the two overlapping RBC boxes (IoU 0.79) both survive', () => {
    const result = detectionResultFixture();
    const view = detectionView(result, { scoreThreshold: 0.5, nmsIouThreshold: 0.85 });
    const rbc0 = view.detections.find((d) => d.key === '1:0');
    const rbc1 = view.detections.find((d) => d.key === '1:1');
    expect(rbc0?.boxBeforeRegression).toEqual([100, 100, 200, 200]);
    expect(rbc0?.classProbabilities).toEqual([0.03, 0.92, 0.04, 0.01]);
    expect(rbc1?.boxBeforeRegression).toEqual([110, 105, 215, 205]);
    expect(rbc1?.classProbabilities).toBeNull(); // the result only carries them for its own detections
    expect(view.suppressed).toEqual([]);
  });

  it('caps the number of detections', () => {
    const view = detectionView(detectionResultFixture(), { scoreThreshold: 0, nmsIouThreshold: 0.5, maxDetections: 2 });
    expect(view.detections.map((d) => d.key)).toEqual(['2:0', '1:0']);
    const capped: DetectionResult = { ...detectionResultFixture(), maxDetections: 1 };
    expect(detectionView(capped, { scoreThreshold: 0, nmsIouThreshold: 0.5 }).detections.map((d) => d.key)).toEqual(['2:0']);
  });

  it("applies the run's box voting: the kept box becomes the score-weighted mean of its class's overlapping candidates", () => {
    const voted: DetectionResult = { ...detectionResultFixture(), boxVotingIou: 0.5 };
    const rbc = detectionView(voted, { scoreThreshold: 0.5, nmsIouThreshold: 0.5 }).detections.find((d) => d.key === '1:0')!;
    // RBC 0 [105, 102, 205, 204] at 0.92 and RBC 1 [112, 108, 212, 208] at 0.81 (IoU 0.79 >= 0.5); RBC 2 is apart
    const mean = (a: number, b: number) => (0.92 * a + 0.81 * b) / (0.92 + 0.81);
    [mean(105, 112), mean(102, 108), mean(205, 212), mean(204, 208)].forEach((v, i) => expect(rbc.box[i]).toBeCloseTo(v, 9));
    expect(rbc.score).toBe(0.92);
  });

  it('onlyClass keeps one class, with the keys and boxes it has among all classes; the cap then counts that class alone', () => {
    const all = detectionView(detectionResultFixture(), { scoreThreshold: 0.25, nmsIouThreshold: 0.5 });
    const rbc = detectionView(detectionResultFixture(), { scoreThreshold: 0.25, nmsIouThreshold: 0.5, onlyClass: 'RBC' });
    expect(rbc.detections.map((d) => d.key)).toEqual(['1:0', '1:2']);
    expect(rbc.detections).toEqual(all.detections.filter((d) => d.className === 'RBC'));
    expect(rbc.suppressed.map((c) => [c.key, c.suppressedBy])).toEqual([['1:1', '1:0']]);
    const capped = detectionView(detectionResultFixture(), { scoreThreshold: 0, nmsIouThreshold: 0.5, maxDetections: 1, onlyClass: 'Platelets' });
    expect(capped.detections.map((d) => d.key)).toEqual(['3:0']);
    expect(detectionView(detectionResultFixture(), { scoreThreshold: 0.25, nmsIouThreshold: 0.5, onlyClass: null }).detections).toEqual(all.detections);
  });
});
