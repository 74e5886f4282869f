"""The page's training step in torch, rule for rule (src/training/): the seeded mulberry32 generator (rng.ts), the
roidb (roidb.ts), hierarchical sampling (sampler.ts), class-expanded normalized targets (targets.ts), the multi-task
loss (loss.ts), Caffe's momentum SGD with lr/decay multipliers (sgd.ts) and the multistep schedule (lr_schedule.ts).
With the same seed, roidb and image order this samples exactly the RoIs the page samples."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

M32 = 0xFFFFFFFF
BACKGROUND = 0
NO_GT = -1


class Mulberry32:
    """rng.ts createRng: JavaScript's int32 arithmetic emulated modulo 2^32."""

    def __init__(self, seed: int):
        self.a = seed & M32

    def __call__(self) -> float:
        self.a = (self.a + 0x6D2B79F5) & M32
        t = self.a
        t = ((t ^ (t >> 15)) * (t | 1)) & M32
        t = (t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296


def shuffled(items: Sequence, rng: Mulberry32) -> list:
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = int(math.floor(rng() * (i + 1)))
        out[i], out[j] = out[j], out[i]
    return out


# ---- roidb (roidb.ts) ----

@dataclass
class RoidbEntry:
    image_index: int
    flip: str
    width: int
    height: int
    boxes: np.ndarray        # [B, 4] float32: gt boxes, then proposals
    num_gt: int
    max_overlaps: np.ndarray  # [B] float32
    max_classes: np.ndarray   # [B] int32
    targets: np.ndarray       # [B, 4] float32


def _valid(boxes: np.ndarray, width: Optional[int] = None, height: Optional[int] = None) -> np.ndarray:
    b = boxes.astype(np.float64)
    ok = np.all(np.isfinite(b), axis=1) & (b[:, 2] > b[:, 0]) & (b[:, 3] > b[:, 1])
    if width is not None:
        ok &= (b[:, 0] >= 0) & (b[:, 1] >= 0) & (b[:, 2] <= width) & (b[:, 3] <= height)
    return ok


def flip_boxes(boxes: np.ndarray, flip: str, width: int, height: int) -> np.ndarray:
    out = boxes.copy()
    if 'h' in flip:
        out[:, 0] = width - boxes[:, 2]
        out[:, 2] = width - boxes[:, 0]
    if 'v' in flip:
        out[:, 1] = height - boxes[:, 3]
        out[:, 3] = height - boxes[:, 1]
    return out


def encode_deltas(frm: np.ndarray, to: np.ndarray) -> np.ndarray:
    p = frm.astype(np.float64)
    g = to.astype(np.float64)
    pw, ph = p[:, 2] - p[:, 0], p[:, 3] - p[:, 1]
    gw, gh = g[:, 2] - g[:, 0], g[:, 3] - g[:, 1]
    return np.stack([(g[:, 0] + 0.5 * gw - (p[:, 0] + 0.5 * pw)) / pw, (g[:, 1] + 0.5 * gh - (p[:, 1] + 0.5 * ph)) / ph,
                     np.log(gw / pw), np.log(gh / ph)], axis=1).astype(np.float32)


def build_entry(image_index: int, width: int, height: int, gt_boxes: np.ndarray, gt_classes: np.ndarray,
                proposals: np.ndarray, flip: str, bbox_thresh: float = 0.5) -> RoidbEntry:
    gt_boxes = np.asarray(gt_boxes, np.float32).reshape(-1, 4)
    keep = _valid(gt_boxes, width, height)
    gt = gt_boxes[keep]
    classes = np.asarray(gt_classes, np.int32)[keep]
    props = np.asarray(proposals, np.float32).reshape(-1, 4)
    props = props[_valid(props)]
    boxes = np.concatenate([gt, props]).astype(np.float32)
    if flip != 'none':
        boxes = flip_boxes(boxes, flip, width, height).astype(np.float32)
    g = len(classes)
    b = len(boxes)
    max_overlaps = np.zeros(b, np.float32)
    max_classes = np.zeros(b, np.int32)
    assignment = np.full(b, NO_GT, np.int64)
    if g > 0 and b > 0:
        bx = boxes.astype(np.float64)
        gx = bx[:g]
        w = np.minimum(bx[:, None, 2], gx[None, :, 2]) - np.maximum(bx[:, None, 0], gx[None, :, 0])
        h = np.minimum(bx[:, None, 3], gx[None, :, 3]) - np.maximum(bx[:, None, 1], gx[None, :, 1])
        area_b = (bx[:, 2] - bx[:, 0]) * (bx[:, 3] - bx[:, 1])
        area_g = area_b[:g]
        inter = np.where((w > 0) & (h > 0), w * h, 0.0)
        iou = np.where(inter > 0, inter / (area_b[:, None] + area_g[None, :] - inter), 0.0)
        best = iou.max(axis=1)
        arg = iou.argmax(axis=1)  # the first maximum, as the page's strict '>' scan
        has = best > 0
        assignment[has] = arg[has]
        best[:g] = 1
        assignment[:g] = np.arange(g)
        max_overlaps = best.astype(np.float32)
        max_classes = np.where(best > 0, classes[np.maximum(assignment, 0)], BACKGROUND).astype(np.int32)
    targets = np.zeros((b, 4), np.float32)
    rows = np.nonzero((max_overlaps >= bbox_thresh) & (assignment != NO_GT))[0]
    if len(rows):
        targets[rows] = encode_deltas(boxes[rows], boxes[assignment[rows]])
    return RoidbEntry(image_index, flip, width, height, boxes, g, max_overlaps, max_classes, targets)


def build_roidb(images: Sequence[dict], flips: Sequence[str]) -> List[RoidbEntry]:
    """images: {width, height, gt_boxes, gt_classes, proposals}; every image as is, then per further flip."""
    views = ['none', *dict.fromkeys(f for f in flips if f != 'none')]
    entries = [build_entry(i, im['width'], im['height'], im['gt_boxes'], im['gt_classes'], im['proposals'], flip)
               for flip in views for i, im in enumerate(images)]
    return [e for e in entries if np.any((e.max_overlaps >= 0.5) | (e.max_overlaps >= 0.1))]


def training_flips(config: dict) -> List[str]:
    flips = ['none']
    if config.get('useFlipped'):
        flips.append('h')
    if config.get('useVerticalFlips'):
        flips += ['v', 'hv'] if config.get('useFlipped') else ['v']
    return flips


# ---- targets (targets.ts) ----

def target_stats(roidb: Sequence[RoidbEntry], num_classes: int, bbox_thresh: float = 0.5) -> Tuple[np.ndarray, np.ndarray]:
    """Per-class means and stds [4(K+1)] over every example RoI; a std of 0 becomes 1."""
    sums = np.zeros((num_classes + 1) * 4)
    squares = np.zeros((num_classes + 1) * 4)
    counts = np.zeros(num_classes + 1)
    for e in roidb:
        sel = (e.max_overlaps >= bbox_thresh) & (e.max_classes > 0)
        for i in np.nonzero(sel)[0]:
            c = int(e.max_classes[i])
            counts[c] += 1
            t = e.targets[i].astype(np.float64)
            sums[4 * c:4 * c + 4] += t
            squares[4 * c:4 * c + 4] += t * t
    means = np.zeros_like(sums)
    stds = np.ones_like(sums)
    for o in range(len(sums)):
        n = counts[o >> 2]
        if n == 0:
            continue
        means[o] = sums[o] / n
        std = math.sqrt(max(0.0, squares[o] / n - means[o] ** 2))
        if std > 0:
            stds[o] = std
    return means, stds


def bbox_target_blob(targets: np.ndarray, labels: np.ndarray, num_classes: int, means: np.ndarray, stds: np.ndarray):
    r = len(labels)
    cols = 4 * (num_classes + 1)
    out = np.zeros((r, cols), np.float32)
    weights = np.zeros((r, cols), np.float32)
    for i in range(r):
        c = int(labels[i])
        if c <= 0:
            continue
        out[i, 4 * c:4 * c + 4] = ((targets[i].astype(np.float64) - means[4 * c:4 * c + 4]) / stds[4 * c:4 * c + 4]).astype(np.float32)
        weights[i, 4 * c:4 * c + 4] = 1
    return out, weights


# ---- sampling (sampler.ts) ----

def sample_rois(entry: RoidbEntry, sampling: dict, rng: Mulberry32) -> Tuple[np.ndarray, np.ndarray, int]:
    rois_per_image = sampling['roisPerBatch'] // sampling['imagesPerBatch']
    fg_per_image = js_round(sampling['fgFraction'] * rois_per_image)
    o = entry.max_overlaps.astype(np.float64)  # float32 values compared in double, as JavaScript does
    fg_mask = o >= sampling['fgThresh']
    fg_cand = np.nonzero(fg_mask)[0].tolist()
    bg_cand = np.nonzero(~fg_mask & (o >= sampling['bgThreshLo']) & (o < sampling['bgThreshHi']))[0].tolist()
    if sampling.get('fgBalance') == 'per-class':
        fg = _per_class(fg_cand, entry.max_classes, fg_per_image, rng)
    else:
        fg = shuffled(fg_cand, rng)[:min(fg_per_image, len(fg_cand))]
    bg = shuffled(bg_cand, rng)[:max(0, min(rois_per_image - len(fg), len(bg_cand)))]
    idx = np.array(fg + bg, np.int64)
    labels = np.array([entry.max_classes[i] if k < len(fg) else BACKGROUND for k, i in enumerate(idx)], np.int64)
    return idx, labels, len(fg)


def js_round(v: float) -> int:
    """JavaScript's Math.round (halves up), which the page's code uses; Python's round() takes halves to even."""
    return int(math.floor(v + 0.5))


def _per_class(candidates: List[int], class_of: np.ndarray, quota: int, rng: Mulberry32) -> List[int]:
    by_class: Dict[int, List[int]] = {}
    for i in candidates:
        by_class.setdefault(int(class_of[i]), []).append(i)
    groups = [shuffled(by_class[k], rng) for k in sorted(by_class)]
    taken = [0] * len(groups)
    left = min(quota, len(candidates))
    while left > 0:
        for g in range(len(groups)):
            if left > 0 and taken[g] < len(groups[g]):
                taken[g] += 1
                left -= 1
    return [i for g, lst in enumerate(groups) for i in lst[:taken[g]]]


class ImageOrder:
    """sampler.ts ImageOrder: a permutation, reshuffled when fewer than n entries are left."""

    def __init__(self, count: int, rng: Mulberry32, state: Optional[dict] = None):
        if count <= 0:
            raise ValueError('The training set has no usable image.')
        self.count = count
        self.rng = rng
        self.order = list(state['order']) if state else shuffled(range(count), rng)
        self.cursor = state['cursor'] if state else 0

    def next(self, n: int) -> List[int]:
        take = min(n, self.count)
        if self.cursor + take > self.count:
            self.order = shuffled(range(self.count), self.rng)
            self.cursor = 0
        out = self.order[self.cursor:self.cursor + take]
        self.cursor += take
        return out

    def state(self) -> dict:
        return {'order': list(self.order), 'cursor': self.cursor}


# ---- loss (loss.ts) and solver (sgd.ts, lr_schedule.ts) ----

def multi_task_loss(logits, deltas, labels, bbox_targets, bbox_weights, lam: float, bbox_regression: bool = True):
    cls = F.cross_entropy(logits, labels)
    d = torch.abs(bbox_weights * (deltas - bbox_targets))
    m = torch.clamp(d, max=1.0)
    loc = (0.5 * m * m + (d - m)).sum() / max(1, deltas.shape[0])
    total = cls + lam * loc if bbox_regression else cls
    return cls, loc, total


def learning_rate_at(iteration: int, solver: dict) -> float:
    passed = sum(1 for step in solver['steps'] if iteration >= step)
    return solver['baseLr'] * solver['gamma'] ** passed


class MomentumSgd:
    """v <- momentum·v + lr·lrMult·(g + decay·decayMult·w); w <- w - v. Biases: lrMult 2, decayMult 0."""

    def __init__(self, params: List[Tuple[str, torch.nn.Parameter, bool]], solver: dict):
        self.params = params
        self.solver = solver
        self.history = {name: torch.zeros_like(p) for name, p, _ in params}

    @torch.no_grad()
    def apply(self, lr: float) -> None:
        s = self.solver
        for name, p, is_bias in self.params:
            if p.grad is None:
                continue
            rate = lr * (s['biasLrMult'] if is_bias else 1)
            decay = s['weightDecay'] * (s['biasDecayMult'] if is_bias else 1)
            step = p.grad + decay * p if decay > 0 else p.grad
            v = self.history[name]
            v.mul_(s['momentum']).add_(step * rate)
            p.sub_(v)


@dataclass
class Batch:
    """One sampled mini-batch: per image its key into the feature cache and RoIs in the scaled input's pixels."""
    images: List[Tuple[int, np.ndarray]]
    labels: np.ndarray
    targets: np.ndarray
    foreground: int


def sample_batch(roidb: Sequence[RoidbEntry], order: ImageOrder, sampling: dict, rng: Mulberry32,
                 scale_of: Callable[[RoidbEntry], float]) -> Batch:
    """trainer.ts step() 1-2: N images, R/N RoIs each, RoIs scaled by the entry's image-to-input scale."""
    images, labels, targets = [], [], []
    foreground = 0
    for index in order.next(sampling['imagesPerBatch']):
        entry = roidb[index]
        idx, lab, num_fg = sample_rois(entry, sampling, rng)
        if len(idx) == 0:
            continue
        scale = scale_of(entry)
        rois = (entry.boxes[idx].astype(np.float64) * scale).astype(np.float32)
        images.append((index, rois))
        labels.append(lab)
        targets.append(entry.targets[idx])
        foreground += num_fg
    if not images:
        raise ValueError('The sampled images offered no RoI: check the proposals and gt boxes.')
    return Batch(images, np.concatenate(labels), np.concatenate(targets), foreground)
