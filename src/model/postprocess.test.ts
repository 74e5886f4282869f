import { describe, expect, test } from 'vitest';
import { DEFAULT_DETECT, defaultBboxNormalization } from './defaults';
import { classBoxes, postprocess, reselect } from './postprocess';

const classNames = ['cat', 'dog'];
const image = { width: 100, height: 80 };
// three proposals; the first two overlap (IoU 0.81), the third is apart
const proposals = Float32Array.from([10, 10, 50, 50, 12, 12, 52, 52, 60, 20, 90, 70]);
// softmax rows [bg, cat, dog]
const probabilities = Float32Array.from([0.1, 0.8, 0.1, 0.2, 0.7, 0.1, 0.3, 0.04, 0.66]);
const zeroDeltas = new Float32Array(3 * 12);

describe('postprocess', () => {
  test('zero deltas keep the proposals; the deltas are un-normalized as delta·std + mean', () => {
    const norm = defaultBboxNormalization(2);
    expect(Array.from(classBoxes(proposals, zeroDeltas, norm, image, DEFAULT_DETECT).subarray(4, 8))).toEqual([10, 10, 50, 50]);
    const deltas = new Float32Array(3 * 12);
    deltas[4] = 1; // proposal 0, class 1, dx = 1·0.1 + 0 -> shift by 0.1·w = 4 px
    const moved = classBoxes(proposals, deltas, norm, image, DEFAULT_DETECT);
    expect(Array.from(moved.subarray(4, 8))).toEqual([14, 10, 54, 50]);
    const shifted = { means: norm.means.map((m, i) => (i === 4 ? 0.25 : m)), stds: norm.stds };
    expect(Array.from(classBoxes(proposals, zeroDeltas, shifted, image, DEFAULT_DETECT).subarray(4, 8))).toEqual([20, 10, 60, 50]);
  });

  test('clips regressed boxes to the image', () => {
    const deltas = new Float32Array(3 * 12);
    deltas[24 + 8 + 2] = 20; // proposal 2, class 2: dw = 20·0.2 = 4, e^4·30 px wide -> clipped to the image
    const boxes = classBoxes(proposals, deltas, defaultBboxNormalization(2), image, DEFAULT_DETECT);
    const [x1, , x2] = boxes.subarray(32, 36);
    expect(x1).toBe(0);
    expect(x2).toBe(100);
  });

  test('per-class candidates, NMS at 0.3, and the final detections', () => {
    const result = postprocess(proposals, { probabilities, deltas: zeroDeltas }, classNames, defaultBboxNormalization(2), image, DEFAULT_DETECT);
    const [cat, dog] = result.candidatesPerClass;
    expect(cat.candidates.map((c) => c.proposalIndex)).toEqual([0, 1]); // 0.04 for proposal 2 is below 0.05
    expect(cat.keptIndices).toEqual([0]);
    expect(dog.candidates.map((c) => c.proposalIndex)).toEqual([2, 0, 1]);
    expect(dog.keptIndices).toEqual([0, 1]);
    expect(result.detections.map((d) => [d.className, d.proposalIndex])).toEqual([
      ['cat', 0],
      ['dog', 2],
      ['dog', 0],
    ]);
    const best = result.detections[0];
    expect(best.classId).toBe(1);
    expect(best.score).toBeCloseTo(0.8);
    expect(best.boxBeforeRegression).toEqual([10, 10, 50, 50]);
    expect(best.classProbabilities.map((p) => Number(p.toFixed(2)))).toEqual([0.1, 0.8, 0.1]);
  });

  test('the score threshold and the per-image cap apply after NMS', () => {
    const run = (opts: Partial<typeof DEFAULT_DETECT>) =>
      postprocess(proposals, { probabilities, deltas: zeroDeltas }, classNames, defaultBboxNormalization(2), image, { ...DEFAULT_DETECT, ...opts });
    expect(run({ scoreThreshold: 0.5 }).detections.map((d) => d.proposalIndex)).toEqual([0, 2]);
    expect(run({ maxDetections: 1 }).detections).toHaveLength(1);
    expect(run({ nmsIouThreshold: 0.9 }).candidatesPerClass[0].keptIndices).toEqual([0, 1]);
    expect(run({ bboxRegression: false }).detections[0].box).toEqual([10, 10, 50, 50]);
  });
});

describe('reselect: a redraw at other thresholds is the post-processing of detect() at those thresholds', () => {
  const options = { ...DEFAULT_DETECT, boxVotingIou: 0.5 };
  // regressed boxes that differ per proposal, so box voting moves the kept boxes
  const deltas = Float32Array.from({ length: 3 * 12 }, (_, i) => ((i * 7) % 5) / 10 - 0.2);
  const run = (scoreThreshold: number, nmsIouThreshold: number) =>
    postprocess(proposals, { probabilities, deltas }, classNames, defaultBboxNormalization(2), image, { ...options, scoreThreshold, nmsIouThreshold });
  /** A result as detect() reports it: the candidates, and the run's cap and voting. */
  const asResult = (found: ReturnType<typeof run>) => ({ ...found, maxDetections: options.maxDetections, boxVotingIou: options.boxVotingIou });
  const chosen = (found: ReturnType<typeof run>) => found.detections.map((d) => [d.classId, d.proposalIndex, d.score, [...d.box]]);

  test.each([[0.05, 0.3], [0.5, 0.3], [0.75, 0.3], [0.05, 0.9], [0.5, 0.05]])('score > %s, IoU %s: the same detections, voted boxes included', (score, iou) => {
    const at005 = asResult(run(0.05, 0.3)); // what the page keeps: every candidate above the model's 0.05
    const redrawn = reselect(at005, { scoreThreshold: score, nmsIouThreshold: iou });
    const direct = run(score, iou);
    expect(redrawn.chosen.map(({ classIndex, candidateIndex, box }) => {
      const c = at005.candidatesPerClass[classIndex].candidates[candidateIndex];
      return [classIndex + 1, c.proposalIndex, c.score, [...box]];
    })).toEqual(chosen(direct));
    expect(redrawn.kept).toEqual(direct.candidatesPerClass.map((c) => c.keptIndices));
  });

  test('box voting moves a kept box towards the overlapping candidates of its class', () => {
    const voted = run(0.05, 0.3).detections.find((d) => d.className === 'cat')!;
    const plain = postprocess(proposals, { probabilities, deltas }, classNames, defaultBboxNormalization(2), image, DEFAULT_DETECT).detections.find((d) => d.className === 'cat')!;
    expect(voted.score).toBe(plain.score);
    expect(voted.box).not.toEqual(plain.box);
  });

  test('the score threshold is strict (>), as in detect()', () => {
    const found = asResult(run(0.05, 0.3));
    const best = found.detections[0].score;
    expect(reselect(found, { scoreThreshold: best, nmsIouThreshold: 0.3 }).chosen.map((c) => c.classIndex)).not.toContain(found.detections[0].classId - 1);
  });
});
