"""A whole detector (backbone + head + the saved config) and one detection, as src/model/detector.ts and
src/model/postprocess.ts run it: the image scaled (short side to the scale, long side capped) with half-pixel
bilinear resizing, RoIs projected by the same scale, softmax(cls_score), the deltas un-normalized by the stored
statistics, decoded, clipped, per-class NMS, the score threshold, the cap and box voting.
Single-scale, no test flips (the defaults every shipped model uses)."""
from __future__ import annotations

import math
import os
from typing import Dict, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torchvision.ops import batched_nms

from .backbone import Backbone
from .head import RoiHead
from .tfjs_io import read_detector
from .training import js_round


def image_scale(width: int, height: int, target: float, max_size: float) -> float:
    """preprocess.ts imageScale."""
    short, long = min(width, height), max(width, height)
    if not short > 0:
        raise ValueError(f'image of size {width}x{height} cannot be scaled')
    scale = target / short
    return max_size / long if js_round(scale * long) > max_size else scale


def scaled_size(width: int, height: int, scale: float) -> Tuple[int, int]:
    return max(1, js_round(width * scale)), max(1, js_round(height * scale))


def resize(pixels_hwc: torch.Tensor, scale: float) -> torch.Tensor:
    """RGB float [H, W, 3] -> [1, h, w, 3], bilinear with half-pixel centres (tf resizeBilinear(halfPixelCenters))."""
    height, width = pixels_hwc.shape[:2]
    w, h = scaled_size(width, height, scale)
    batch = pixels_hwc.unsqueeze(0)
    if (h, w) == (height, width):
        return batch
    nchw = batch.permute(0, 3, 1, 2)
    return F.interpolate(nchw, size=(h, w), mode='bilinear', align_corners=False).permute(0, 2, 3, 1)


class Detector(torch.nn.Module):
    def __init__(self, config: dict, backbone: Backbone, head: RoiHead):
        super().__init__()
        self.config = config
        self.backbone = backbone
        self.head = head

    @staticmethod
    def load(model_json: str, backbone_json: str) -> 'Detector':
        config, weights = read_detector(model_json)
        bb = config['backbone']
        backbone = Backbone(backbone_json, bb['tapNode'], bb['inputNode'], bb.get('trainableFrom'))
        backbone.assign({k[len('backbone/'):]: torch.from_numpy(v) for k, v in weights.items() if k.startswith('backbone/')})
        head_weights = {k[len('head/'):]: torch.from_numpy(v) for k, v in weights.items() if k.startswith('head/')}
        head = RoiHead(config['head'], backbone.out_channels, len(config['classNames']), head_weights)
        return Detector(config, backbone, head)

    @property
    def stride(self) -> int:
        return int(self.config['backbone']['featureStride'])

    @torch.no_grad()
    def head_outputs(self, pixels_hwc: torch.Tensor, proposals: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Softmax probabilities [R, K+1] and (normalized) deltas [R, 4(K+1)] for proposals in image pixels."""
        height, width = pixels_hwc.shape[:2]
        inp = self.config['input']
        if len(inp['scales']) != 1:
            raise ValueError('the PyTorch detector runs single-scale models only (input.scales has one entry)')
        scale = image_scale(width, height, inp['scales'][0], inp['maxSize'])
        tap = self.backbone(resize(pixels_hwc, scale))
        return self.classify_map(tap, proposals, scale)

    @torch.no_grad()
    def classify_map(self, tap: torch.Tensor, proposals: np.ndarray, scale: float, chunk: int = 512):
        reduced = self.head.reduce(tap)
        rois = project_rois(proposals, scale)
        probs, deltas = [], []
        for start in range(0, len(rois), chunk):
            logits, d = self.head.classify(self.head.pool(reduced, rois[start:start + chunk], 1 / self.stride))
            probs.append(torch.softmax(logits, 1))
            deltas.append(d)
        k1 = self.head.num_classes + 1
        if not probs:
            return np.zeros((0, k1), np.float32), np.zeros((0, 4 * k1), np.float32)
        return torch.cat(probs).numpy(), torch.cat(deltas).numpy()

    def detect(self, pixels_hwc: torch.Tensor, proposals: np.ndarray, options: Optional[dict] = None) -> Dict[str, np.ndarray]:
        height, width = pixels_hwc.shape[:2]
        probs, deltas = self.head_outputs(pixels_hwc, proposals)
        run = {**self.config['detect'], **(options or {})}
        boxes = class_boxes(proposals, deltas, self.config['bboxNormalization'], width, height, run)
        return select_detections(probs, boxes, run)


def project_rois(proposals: np.ndarray, scale: float) -> torch.Tensor:
    """[R, 5] float32 (0, x1·s, ...): the product in double, stored in float32, as pyramid.ts projectRois."""
    rois = np.zeros((len(proposals), 5), np.float32)
    rois[:, 1:] = (proposals.astype(np.float64) * scale).astype(np.float32)
    return torch.from_numpy(rois)


def class_boxes(proposals: np.ndarray, deltas: np.ndarray, normalization: dict, width: int, height: int, run: dict) -> np.ndarray:
    """postprocess.ts classBoxes: boxes [R, 4(K+1)] in image pixels, clipped."""
    p = proposals.astype(np.float64)
    n = len(p)
    means = np.asarray(normalization['means'], np.float64)
    stds = np.asarray(normalization['stds'], np.float64)
    k1 = len(means) // 4
    if not run['bboxRegression']:
        out = np.repeat(p[:, None, :], k1, axis=1).reshape(n, 4 * k1)
    else:
        d = (deltas.astype(np.float64) * stds + means).astype(np.float32).astype(np.float64).reshape(n, k1, 4)
        w = (p[:, 2] - p[:, 0])[:, None]
        h = (p[:, 3] - p[:, 1])[:, None]
        cx = p[:, 0][:, None] + 0.5 * w
        cy = p[:, 1][:, None] + 0.5 * h
        clamp = math.inf if run['deltaClampLog'] is None else run['deltaClampLog']
        pcx = d[:, :, 0] * w + cx
        pcy = d[:, :, 1] * h + cy
        pw = np.exp(np.minimum(d[:, :, 2], clamp)) * w
        ph = np.exp(np.minimum(d[:, :, 3], clamp)) * h
        out = np.stack([pcx - 0.5 * pw, pcy - 0.5 * ph, pcx + 0.5 * pw, pcy + 0.5 * ph], axis=2).astype(np.float32).astype(np.float64)
        out = out.reshape(n, 4 * k1)
    out = out.reshape(n, k1, 4)
    out[:, :, 0::2] = np.clip(out[:, :, 0::2], 0, width)
    out[:, :, 1::2] = np.clip(out[:, :, 1::2], 0, height)
    return out.reshape(n, 4 * k1).astype(np.float32)


def select_detections(probs: np.ndarray, boxes: np.ndarray, run: dict) -> Dict[str, np.ndarray]:
    """Candidates above candidateScoreThreshold per class, per-class NMS, score threshold, cap, box voting."""
    n, k1 = probs.shape
    cand_boxes, cand_scores, cand_classes = [], [], []
    for j in range(1, k1):
        members = np.nonzero(probs[:, j] > run['candidateScoreThreshold'])[0]
        order = members[np.argsort(-probs[members, j], kind='stable')]
        cand_boxes.append(boxes[order, 4 * j:4 * j + 4])
        cand_scores.append(probs[order, j])
        cand_classes.append(np.full(len(order), j, np.int64))
    b = np.concatenate(cand_boxes) if cand_boxes else np.zeros((0, 4), np.float32)
    s = np.concatenate(cand_scores) if cand_scores else np.zeros(0, np.float32)
    c = np.concatenate(cand_classes) if cand_classes else np.zeros(0, np.int64)
    if len(s) == 0:
        return {'boxes': np.zeros((0, 4), np.float32), 'scores': np.zeros(0, np.float32), 'classes': np.zeros(0, np.int64)}
    keep = batched_nms(torch.from_numpy(b), torch.from_numpy(s), torch.from_numpy(c), run['nmsIouThreshold']).numpy()
    keep = keep[np.argsort(-s[keep], kind='stable')]
    keep = keep[s[keep] > run['scoreThreshold']][:run['maxDetections']]
    out_boxes = b[keep].copy()
    voting = run.get('boxVotingIou')
    if voting is not None:
        for row, i in enumerate(keep):
            same = c == c[i]
            out_boxes[row] = vote_box(b[i], b[same], s[same], voting)
    return {'boxes': out_boxes, 'scores': s[keep], 'classes': c[keep]}


def vote_box(kept: np.ndarray, boxes: np.ndarray, scores: np.ndarray, threshold: float) -> np.ndarray:
    """box_voting.ts: the score-weighted mean of the class's candidates overlapping `kept` by at least the IoU."""
    k = kept.astype(np.float64)
    bb = boxes.astype(np.float64)
    w = np.minimum(k[2], bb[:, 2]) - np.maximum(k[0], bb[:, 0])
    h = np.minimum(k[3], bb[:, 3]) - np.maximum(k[1], bb[:, 1])
    inter = np.where((w > 0) & (h > 0), w * h, 0.0)
    union = (k[2] - k[0]) * (k[3] - k[1]) + (bb[:, 2] - bb[:, 0]) * (bb[:, 3] - bb[:, 1]) - inter
    iou = np.where(inter > 0, inter / np.maximum(union, 1e-300), 0.0)
    sel = iou >= threshold
    weight = scores[sel].astype(np.float64).sum()
    if not weight > 0:
        return kept
    return ((bb[sel] * scores[sel, None]).sum(0) / weight).astype(np.float32)


def default_backbone_json(repo_root: Optional[str] = None) -> str:
    """public/backbone/centernet.json, else the npm package's copy."""
    root = repo_root or os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
    for path in (os.path.join(root, 'public', 'backbone', 'centernet.json'),
                 os.path.join(root, 'node_modules', '@vladmandic', 'human', 'models', 'centernet.json')):
        if os.path.exists(path):
            return path
    raise FileNotFoundError('centernet.json not found: run `npm run prepare-assets` or pass the bundle\'s backbone/')
