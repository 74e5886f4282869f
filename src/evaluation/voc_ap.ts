/**
 * Average precision from a precision/recall curve, the two PASCAL VOC metrics (reference §8; PF voc_eval.py
 * `voc_ap`). Inputs are the cumulative curves over detections sorted by score: recall[d], precision[d].
 */

/**
 * VOC2007 11-point metric, the Fast R-CNN paper's: mean over t = 0, 0.1, ..., 1 of the best precision at
 * recall >= t (0 when no point reaches t). t is k * 0.1, not a running sum, so t = 0.30000000000000004 exactly
 * as numpy's arange gives; accumulating p / 11 in order matches PF to the last bit.
 */
export function voc07ElevenPointAp(recall: ArrayLike<number>, precision: ArrayLike<number>): number {
  checkCurve(recall, precision);
  let ap = 0;
  for (let k = 0; k <= 10; k++) {
    const t = k * 0.1;
    let p = 0;
    for (let d = 0; d < recall.length; d++) if (recall[d] >= t && precision[d] > p) p = precision[d];
    ap += p / 11;
  }
  return ap;
}

/**
 * VOC2010+ area under the curve: precision made monotone (max to the right), then summed over the recall steps.
 * The sentinels (recall 0 and 1, precision 0 at both ends) are those of PF and of FR's xVOCap.m.
 */
export function areaAp(recall: ArrayLike<number>, precision: ArrayLike<number>): number {
  checkCurve(recall, precision);
  const n = recall.length + 2;
  const mrec = new Float64Array(n);
  const mpre = new Float64Array(n);
  mrec.set(Array.from(recall), 1);
  mpre.set(Array.from(precision), 1);
  mrec[n - 1] = 1;
  for (let i = n - 1; i > 0; i--) mpre[i - 1] = Math.max(mpre[i - 1], mpre[i]);
  let ap = 0;
  for (let i = 0; i + 1 < n; i++) if (mrec[i + 1] !== mrec[i]) ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
  return ap;
}

function checkCurve(recall: ArrayLike<number>, precision: ArrayLike<number>): void {
  if (recall.length !== precision.length) {
    throw new Error(`recall (${recall.length}) and precision (${precision.length}) must have the same length`);
  }
}
