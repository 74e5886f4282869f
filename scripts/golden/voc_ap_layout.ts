/**
 * voc_ap.json (py-faster-rcnn voc_eval.py): `groundTruth` per image, `detections` per class, and the expected
 * `ap.voc07_11point` / `ap.area` per class; both metrics must agree to 1e-6 (absolute).
 *
 * Ties: PF ranks detections with numpy's unstable argsort, and the file has tied scores whose order changes an
 * AP (dog: two detections at 0.0163), so this check ranks ties as numpy does (tieOrder 'numpy'). The library
 * default, a stable sort, differs from the file there by 3.8e-4; src/evaluation/voc_eval.test.ts pins both.
 */
import { evaluateVoc, type VocDetection, type VocImageAnnotation } from '../../src/evaluation/voc_eval';
import { isRecord } from './json_shape';
import type { CaseResult, GoldenLayout } from './types';

const TOLERANCE = 1e-6;

interface VocGolden {
  classes?: string[];
  groundTruth: Record<string, VocImageAnnotation>;
  detections: Record<string, VocDetection[]>;
  ap: { voc07_11point: Record<string, number>; area: Record<string, number> };
}

function isVocGolden(json: unknown): json is VocGolden {
  return (
    isRecord(json) &&
    isRecord(json.groundTruth) &&
    isRecord(json.detections) &&
    isRecord(json.ap) &&
    isRecord(json.ap.voc07_11point) &&
    isRecord(json.ap.area)
  );
}

export const vocApLayout: GoldenLayout = {
  name: 'voc_ap',
  expects: 'groundTruth (image -> {objects[]}), detections (class -> [{image, score, box}]), ap.voc07_11point and ap.area (class -> AP)',
  matches: isVocGolden,
  async run(json) {
    if (!isVocGolden(json)) throw new Error('not a voc_ap golden file');
    const classes = json.classes ?? [...new Set([...Object.keys(json.ap.voc07_11point), ...Object.keys(json.ap.area)])];
    const result = evaluateVoc(json, { classes, iouThreshold: 0.5, tieOrder: 'numpy' });
    return classes.map((name): CaseResult => {
      const r = result.perClass[name];
      const label = `voc_ap ${name} (npos ${r.npos}, ${r.numDetections} detections)`;
      const problems = [
        compare('voc07_11point', r.voc07, json.ap.voc07_11point[name]),
        compare('area', r.area, json.ap.area[name]),
      ].filter((p) => p !== null);
      return problems.length === 0 ? { name: label, ok: true } : { name: label, ok: false, reason: problems.join('; ') };
    });
  },
};

function compare(metric: string, got: number, expected: number | undefined): string | null {
  if (typeof expected !== 'number') return `${metric}: no expected value in the file`;
  const diff = Math.abs(got - expected);
  return diff <= TOLERANCE ? null : `${metric} ${got.toFixed(6)}, expected ${expected} (|diff| ${diff.toExponential(1)} > ${TOLERANCE})`;
}
