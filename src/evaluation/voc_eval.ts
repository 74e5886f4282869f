/**
 * PASCAL VOC detection evaluation, as py-faster-rcnn's voc_eval.py computes it (reference §8; golden
 * ../shared/golden/voc_ap.json). Per class:
 * 1. sort the class's detections over all images by score, descending; equal scores keep input order, or, with
 *    tieOrder 'numpy', take the order PF's unstable `np.argsort(-score)` gives them (numpy_argsort.ts);
 * 2. match greedily: each detection takes the gt of its image with the highest +1 IoU (difficult and already
 *    matched gt included); IoU > iouThreshold and gt not difficult and unmatched -> TP; gt difficult -> ignored;
 *    gt already matched, low IoU, or no gt -> FP;
 * 3. recall = cumTP / npos (npos = non-difficult gt), precision = cumTP / max(cumTP + cumFP, eps);
 * 4. AP by both metrics (voc_ap.ts).
 *
 * Boxes here are VOC's 1-based inclusive pixel indices, so IoU uses the +1 convention (width = x2 - x1 + 1),
 * the one place in the project that does: the metric must reproduce the devkit's numbers.
 */
import type { Box } from '../geometry/box';
import { numpyArgsort } from './numpy_argsort';
import { areaAp, voc07ElevenPointAp } from './voc_ap';

export interface VocObject {
  readonly name: string;
  readonly difficult: boolean | number;
  /** 1-based inclusive [xmin, ymin, xmax, ymax], as in the annotation XML. */
  readonly box: Box;
}

export interface VocImageAnnotation {
  readonly width?: number;
  readonly height?: number;
  readonly objects: readonly VocObject[];
}

export interface VocDetection {
  readonly image: string;
  readonly score: number;
  /** 1-based inclusive, like the results files the devkit reads. */
  readonly box: Box;
}

/** A string-keyed collection: a Map, or a plain object as parsed from JSON. */
export type Keyed<T> = ReadonlyMap<string, T> | Readonly<Record<string, T>>;

export interface VocEvalInput {
  /** image id -> its annotated objects */
  readonly groundTruth: Keyed<VocImageAnnotation>;
  /** class name -> its detections over all images */
  readonly detections: Keyed<readonly VocDetection[]>;
}

/**
 * How detections with equal scores are ranked. 'stable' (default): in input order, deterministic and what the
 * MATLAB devkit's stable sort does. 'numpy': the order of PF's `np.argsort(-score)` (scalar numpy introsort),
 * to reproduce PF's numbers digit for digit; ties are common because results files round scores.
 */
export type TieOrder = 'stable' | 'numpy';

export interface VocClassOptions {
  /** A match needs IoU strictly above this (PF; the MATLAB devkit uses >=). Default 0.5. */
  readonly iouThreshold?: number;
  readonly tieOrder?: TieOrder;
}

export interface VocEvalOptions extends VocClassOptions {
  /** Classes to evaluate, in report order. Default: every class seen in detections, then in ground truth. */
  readonly classes?: readonly string[];
}

export interface VocClassResult {
  /** VOC07 11-point AP; NaN when the class has no positives (npos = 0). */
  readonly voc07: number;
  /** Area-under-curve AP (VOC2010+); NaN when npos = 0. */
  readonly area: number;
  /** Non-difficult gt objects. */
  readonly npos: number;
  readonly numDetections: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  /** Detections matched to a difficult gt: neither TP nor FP. */
  readonly ignored: number;
  /** Cumulative curves over the score-sorted detections (ignored ones repeat the previous point). */
  readonly recall: Float64Array;
  readonly precision: Float64Array;
}

export interface VocEvalResult {
  readonly perClass: Record<string, VocClassResult>;
  /** Means over the classes that have positives (a class with npos = 0 has no defined AP). */
  readonly mAP: { readonly voc07: number; readonly area: number };
}

/** Evaluate every class; see the module comment for the exact rules. */
export function evaluateVoc(input: VocEvalInput, options: VocEvalOptions = {}): VocEvalResult {
  const groundTruth = entriesOf(input.groundTruth);
  const detectionsByClass = new Map(entriesOf(input.detections));
  const classes = options.classes ?? defaultClasses(groundTruth, detectionsByClass);
  const perClass: Record<string, VocClassResult> = {};
  for (const name of classes) {
    perClass[name] = evaluateVocClass(name, groundTruth, detectionsByClass.get(name) ?? [], options);
  }
  const scored = Object.values(perClass).filter((r) => r.npos > 0);
  const mean = (pick: (r: VocClassResult) => number) =>
    scored.length === 0 ? Number.NaN : scored.reduce((s, r) => s + pick(r), 0) / scored.length;
  return { perClass, mAP: { voc07: mean((r) => r.voc07), area: mean((r) => r.area) } };
}

/** One class: greedy matching, then the curves and both APs. */
export function evaluateVocClass(
  className: string,
  groundTruth: Iterable<readonly [string, VocImageAnnotation]>,
  detections: readonly VocDetection[],
  options: VocClassOptions = {},
): VocClassResult {
  const { iouThreshold = 0.5, tieOrder = 'stable' } = options;
  const gtByImage = new Map<string, { boxes: Box[]; difficult: boolean[]; matched: boolean[] }>();
  let npos = 0;
  for (const [image, annotation] of groundTruth) {
    const objects = annotation.objects.filter((o) => o.name === className);
    const difficult = objects.map((o) => Boolean(o.difficult));
    npos += difficult.filter((d) => !d).length;
    gtByImage.set(image, { boxes: objects.map((o) => o.box), difficult, matched: objects.map(() => false) });
  }
  const order = rankDetections(detections, tieOrder);
  const recall = new Float64Array(order.length);
  const precision = new Float64Array(order.length);
  let tp = 0, fp = 0, ignored = 0;
  order.forEach((d, rank) => {
    const det = detections[d];
    const gt = gtByImage.get(det.image); // an image without gt of this class (or unknown) can only give FP
    let best = -Infinity, jBest = -1;
    gt?.boxes.forEach((g, j) => {
      const o = inclusiveIou(det.box, g);
      if (o > best) [best, jBest] = [o, j]; // first maximum wins, as numpy's argmax
    });
    if (gt !== undefined && best > iouThreshold) {
      if (gt.difficult[jBest]) ignored++;
      else if (!gt.matched[jBest]) {
        gt.matched[jBest] = true;
        tp++;
      } else fp++;
    } else fp++;
    recall[rank] = tp / npos;
    precision[rank] = tp / Math.max(tp + fp, Number.EPSILON);
  });
  const defined = npos > 0;
  return {
    voc07: defined ? voc07ElevenPointAp(recall, precision) : Number.NaN,
    area: defined ? areaAp(recall, precision) : Number.NaN,
    npos,
    numDetections: order.length,
    truePositives: tp,
    falsePositives: fp,
    ignored,
    recall,
    precision,
  };
}

/** IoU of 1-based inclusive boxes: a box [x1, x2] covers x2 - x1 + 1 pixels (reference §7, "+1 IoU"). */
export function inclusiveIou(a: Box, b: Box): number {
  const iw = Math.max(Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + 1, 0);
  const ih = Math.max(Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + 1, 0);
  const inter = iw * ih;
  const union = (a[2] - a[0] + 1) * (a[3] - a[1] + 1) + (b[2] - b[0] + 1) * (b[3] - b[1] + 1) - inter;
  return inter / union;
}

/** Detection indices by descending score. NaN scores rank last in both orders (numpy puts NaN last too). */
function rankDetections(detections: readonly VocDetection[], tieOrder: TieOrder): Int32Array {
  if (tieOrder === 'numpy') return numpyArgsort(detections.map((d) => -d.score));
  const key = detections.map((d) => (Number.isNaN(d.score) ? -Infinity : d.score));
  return Int32Array.from(key, (_, i) => i).sort((a, b) => key[b] - key[a] || a - b);
}

function entriesOf<T>(keyed: Keyed<T>): [string, T][] {
  return keyed instanceof Map ? [...keyed.entries()] : Object.entries(keyed as Readonly<Record<string, T>>);
}

function defaultClasses(groundTruth: [string, VocImageAnnotation][], detections: Map<string, unknown>): string[] {
  const names = new Set(detections.keys());
  for (const [, annotation] of groundTruth) for (const o of annotation.objects) names.add(o.name);
  return [...names];
}
