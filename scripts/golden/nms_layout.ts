/**
 * nms.json (torchvision.ops.batched_nms): `cases[]` with `boxes` [x1,y1,x2,y2], `scores`, `classes`,
 * `iouThreshold` and `keepInScoreOrder`. The kept indices must match exactly, order included.
 */
import { batchedNms } from '../../src/geometry/nms';
import { hasCasesWith, isMatrix, isNumberArray, type JsonRecord } from './json_shape';
import type { CaseResult, GoldenLayout } from './types';

const FIELDS = ['boxes', 'scores', 'classes', 'iouThreshold', 'keepInScoreOrder'] as const;

export const nmsLayout: GoldenLayout = {
  name: 'nms',
  expects: `cases[] with ${FIELDS.join(', ')}`,
  matches: (json) => hasCasesWith(json, FIELDS),
  async run(json) {
    if (!hasCasesWith(json, FIELDS)) throw new Error('not an nms golden file');
    return json.cases.map(runCase);
  },
};

function runCase(c: JsonRecord, index: number): CaseResult {
  const { boxes, scores, classes, iouThreshold, keepInScoreOrder: expected } = c;
  const n = Array.isArray(boxes) ? boxes.length : 0;
  const numClasses = Array.isArray(classes) ? new Set(classes).size : 0;
  const name = `nms case ${index} (${n} boxes, ${numClasses} class${numClasses === 1 ? '' : 'es'}, iou ${String(iouThreshold)})`;
  if (
    !isMatrix(boxes, 4) ||
    !isNumberArray(scores) ||
    !isNumberArray(classes) ||
    !isNumberArray(expected) ||
    typeof iouThreshold !== 'number' ||
    scores.length !== n ||
    classes.length !== n
  ) {
    return { name, ok: false, reason: 'malformed case: needs boxes [N][4], scores [N], classes [N], iouThreshold, keepInScoreOrder' };
  }
  const kept = Array.from(batchedNms(Float64Array.from(boxes.flat()), scores, classes, iouThreshold));
  const at = firstDifference(kept, expected);
  if (at === -1) return { name, ok: true };
  return {
    name,
    ok: false,
    reason: `kept ${kept.length}, expected ${expected.length}; first difference at position ${at}: got ${kept[at] ?? 'nothing'}, expected ${expected[at] ?? 'nothing'}`,
  };
}

/** Index of the first position where the lists differ (including one ending early), or -1. */
function firstDifference(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}
