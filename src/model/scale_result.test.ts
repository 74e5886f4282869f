import { describe, expect, it } from 'vitest';
import type { DetectionResult } from './detection_types';
import { scaleResultToImage } from './scale_result';

function resultOn(width: number, height: number): DetectionResult {
  const candidate = { box: [10, 20, 30, 40] as const, proposalIndex: 0, score: 0.9 };
  return {
    imageWidth: width, imageHeight: height, classNames: ['cell'], proposals: [[8, 16, 32, 48]],
    detections: [{ ...candidate, classId: 1, className: 'cell', boxBeforeRegression: [8, 16, 32, 48], classProbabilities: [0.1, 0.9] }],
    candidatesPerClass: [{ classId: 1, className: 'cell', candidates: [candidate], keptIndices: [0] }],
    scoreThreshold: 0.5, nmsIouThreshold: 0.3, backend: 'cpu',
    timesMs: { preprocess: 0, backbone: 0, roiPool: 0, fc: 0, nms: 0, total: 0 },
  };
}

describe('scaleResultToImage', () => {
  it('maps every box of a result found on a 4096-px copy back to the 12000-px original', () => {
    const scaled = scaleResultToImage(resultOn(4096, 2048), { width: 12000, height: 6000 });
    const f = 12000 / 4096;
    expect(scaled.imageWidth).toBe(12000);
    expect(scaled.imageHeight).toBe(6000);
    expect(scaled.proposals[0]).toEqual([8 * f, 16 * f, 32 * f, 48 * f]);
    expect(scaled.detections[0].box).toEqual([10 * f, 20 * f, 30 * f, 40 * f]);
    expect(scaled.detections[0].boxBeforeRegression).toEqual([8 * f, 16 * f, 32 * f, 48 * f]);
    expect(scaled.candidatesPerClass[0].candidates[0].box).toEqual([10 * f, 20 * f, 30 * f, 40 * f]);
    expect(scaled.detections[0].score).toBe(0.9);
  });

  it("maps the RPN's anchors and heatmap extent too, and leaves its objectness, deltas and cells as they are", () => {
    const rpn = {
      objectness: [0.8], deltas: [[0.1, 0, 0.2, -0.1] as const], heatmap: { rows: 1, cols: 2, cells: [0.3, 0.8], extent: [0, 0, 4096, 2048] as const },
      anchors: [{ box: [4, 8, 36, 56] as const, side: 32, ratio: 1, row: 0, col: 1 }],
    };
    const scaled = scaleResultToImage({ ...resultOn(4096, 2048), rpn }, { width: 12000, height: 6000 });
    const f = 12000 / 4096;
    expect(scaled.rpn?.anchors[0]).toEqual({ box: [4 * f, 8 * f, 36 * f, 56 * f], side: 32, ratio: 1, row: 0, col: 1 });
    expect(scaled.rpn?.heatmap).toEqual({ rows: 1, cols: 2, cells: [0.3, 0.8], extent: [0, 0, 12000, 6000] });
    expect(scaled.rpn?.objectness).toEqual([0.8]);
    expect(scaled.rpn?.deltas).toEqual(rpn.deltas);
  });

  it('returns the same object when nothing was shrunk', () => {
    const result = resultOn(640, 480);
    expect(scaleResultToImage(result, { width: 640, height: 480 })).toBe(result);
  });
});
