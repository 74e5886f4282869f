"""PASCAL VOC AP per class (src/evaluation/voc_eval.ts, PF voc_eval.py): detections ranked by score (stable), a
match needs IoU > 0.5 with the 1-based inclusive boxes, each gt matched once, difficult gt neither TP nor FP;
VOC07 11-point AP, and the area AP."""
from __future__ import annotations

from typing import Dict, List, Sequence

import numpy as np


def _inclusive_iou(d: np.ndarray, g: np.ndarray) -> np.ndarray:
    iw = np.maximum(np.minimum(d[2], g[:, 2]) - np.maximum(d[0], g[:, 0]) + 1, 0)
    ih = np.maximum(np.minimum(d[3], g[:, 3]) - np.maximum(d[1], g[:, 1]) + 1, 0)
    inter = iw * ih
    union = (d[2] - d[0] + 1) * (d[3] - d[1] + 1) + (g[:, 2] - g[:, 0] + 1) * (g[:, 3] - g[:, 1] + 1) - inter
    return inter / union


def voc07_ap(recall: np.ndarray, precision: np.ndarray) -> float:
    ap = 0.0
    for k in range(11):
        t = k * 0.1
        p = precision[recall >= t].max() if np.any(recall >= t) else 0.0
        ap += p / 11
    return float(ap)


def area_ap(recall: np.ndarray, precision: np.ndarray) -> float:
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.concatenate([[0.0], precision, [0.0]])
    for i in range(len(mpre) - 1, 0, -1):
        mpre[i - 1] = max(mpre[i - 1], mpre[i])
    i = np.nonzero(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def evaluate(images: Sequence[dict], detections: Sequence[dict], class_names: Sequence[str]) -> Dict[str, dict]:
    """images[i]: {'gt_boxes' [G, 4] continuous, 'gt_classes' [G] 1-based, 'difficult' [G]};
    detections[i]: {'boxes' [D, 4] continuous, 'scores' [D], 'classes' [D] 1-based}.
    Returns {'perClass': {name: {'voc07', 'area', 'npos'}}, 'mAP': {'voc07', 'area'}}."""
    per_class = {}
    for c, name in enumerate(class_names, start=1):
        gts = []
        npos = 0
        for im in images:
            sel = np.asarray(im['gt_classes']) == c
            boxes = np.asarray(im['gt_boxes'], np.float64).reshape(-1, 4)[sel] + np.array([1, 1, 0, 0])
            difficult = np.asarray(im.get('difficult', np.zeros(len(sel), bool)), bool)[sel]
            npos += int((~difficult).sum())
            gts.append({'boxes': boxes, 'difficult': difficult, 'matched': np.zeros(len(boxes), bool)})
        dets: List[tuple] = []
        for i, d in enumerate(detections):
            for box, score, cls in zip(d['boxes'], d['scores'], d['classes']):
                if cls == c:
                    dets.append((i, float(score), np.asarray(box, np.float64) + np.array([1, 1, 0, 0])))
        order = sorted(range(len(dets)), key=lambda k: -dets[k][1])
        tp = fp = 0
        recall, precision = [], []
        for k in order:
            i, _, box = dets[k]
            gt = gts[i]
            if len(gt['boxes']):
                overlaps = _inclusive_iou(box, gt['boxes'])
                j = int(np.argmax(overlaps))
                best = overlaps[j]
            else:
                best, j = -np.inf, -1
            if best > 0.5:
                if gt['difficult'][j]:
                    pass
                elif not gt['matched'][j]:
                    gt['matched'][j] = True
                    tp += 1
                else:
                    fp += 1
            else:
                fp += 1
            recall.append(tp / npos if npos else np.nan)
            precision.append(tp / max(tp + fp, np.finfo(np.float64).eps))
        r, p = np.array(recall), np.array(precision)
        per_class[name] = {'voc07': voc07_ap(r, p) if npos else float('nan'), 'area': area_ap(r, p) if npos else float('nan'), 'npos': npos}
    scored = [v for v in per_class.values() if v['npos'] > 0]
    mean = lambda key: float(np.mean([v[key] for v in scored])) if scored else float('nan')  # noqa: E731
    return {'perClass': per_class, 'mAP': {'voc07': mean('voc07'), 'area': mean('area')}}
