"""A training bundle written by `npm run export:bundle` (scripts/export_bundle.ts): bundle.json (the job), dataset.json
(COCO boxes), images/, proposals.bin (float32 x1 y1 x2 y2) and backbone/. Every problem is reported with the file."""
from __future__ import annotations

import json
import math
import os
from typing import Dict, List

import numpy as np
import torch
from torchvision.io import ImageReadMode, decode_image, read_file

BUNDLE_FORMAT = 'frcnn-web-training-bundle'
# The post-processing settings a bundle must carry (src/model/defaults.ts DetectOptions). Their values come from
# bundle.json alone: export:bundle writes the page's DEFAULT_DETECT with the job's settings on top
# (src/training/training_bundle.ts), so the defaults live in one place.
DETECT_KEYS = ('scoreThreshold', 'candidateScoreThreshold', 'nmsIouThreshold', 'maxDetections', 'deltaClampLog', 'bboxRegression')


def _detect_options(detect, path: str) -> dict:
    """bundle.json's detect section, checked; JSON has no Infinity, so an unclamped deltaClampLog is null there."""
    missing = [k for k in DETECT_KEYS if not isinstance(detect, dict) or k not in detect]
    if missing:
        raise ValueError(f"{path}: detect lacks {', '.join(missing)}: export the bundle again with `npm run export:bundle`")
    return {**detect, 'deltaClampLog': math.inf if detect['deltaClampLog'] is None else detect['deltaClampLog']}


class Bundle:
    def __init__(self, directory: str):
        self.dir = directory
        path = os.path.join(directory, 'bundle.json')
        if os.path.isfile(directory) and directory.endswith('.zip'):
            raise ValueError(f'{directory} is the zip the page downloads: unzip it first (unzip {directory} -d DIR) and pass DIR')
        if not os.path.exists(path):
            raise FileNotFoundError(f'{path} not found: export a bundle with `npm run export:bundle -- --dataset DIR --out {directory}`')
        with open(path, encoding='utf-8') as f:
            self.meta = json.load(f)
        if self.meta.get('format') != BUNDLE_FORMAT:
            raise ValueError(f'{path}: format is {self.meta.get("format")!r}, expected {BUNDLE_FORMAT!r}')
        self.class_names: List[str] = self.meta['classNames']
        self.config: dict = self.meta['config']
        self.head: dict = self.meta['head']
        self.detect: dict = _detect_options(self.meta.get('detect'), path)
        self.backbone: dict = self.meta['backbone']
        proposals = np.fromfile(os.path.join(directory, self.meta['proposals']['file']), dtype=np.float32).reshape(-1, 4)
        gt = self._ground_truth(os.path.join(directory, self.meta['dataset']))
        self.splits: Dict[str, List[dict]] = {}
        for split, entries in self.meta['splits'].items():
            images = []
            for e in entries:
                offset, count = e['proposals']
                if offset + count > len(proposals):
                    raise ValueError(f"{path}: {e['file']} lists proposals {offset}..{offset + count} past the {len(proposals)} in proposals.bin")
                boxes, classes, difficult = gt.get(e['file'], (np.zeros((0, 4), np.float32), np.zeros(0, np.int32), np.zeros(0, bool)))
                images.append({'file': e['file'], 'width': e['width'], 'height': e['height'], 'proposals': proposals[offset:offset + count],
                               'gt_boxes': boxes, 'gt_classes': classes, 'difficult': difficult})
            self.splits[split] = images

    @property
    def backbone_json(self) -> str:
        return os.path.join(self.dir, self.backbone['modelUrl'])

    def _ground_truth(self, path: str):
        with open(path, encoding='utf-8') as f:
            coco = json.load(f)
        category = {c['id']: c['name'] for c in coco['categories']}
        file_of = {im['id']: im['file_name'] for im in coco['images']}
        out: Dict[str, list] = {name: [[], [], []] for name in file_of.values()}
        for a in coco['annotations']:
            name = category[a['category_id']]
            if name not in self.class_names:
                continue  # a class the model does not know (as scripts/lib/train_job.ts wireImages leaves out)
            x, y, w, h = a['bbox']
            rec = out[file_of[a['image_id']]]
            rec[0].append([x, y, x + w, y + h])
            rec[1].append(self.class_names.index(name) + 1)
            rec[2].append(bool(a.get('iscrowd', 0)))
        return {k: (np.asarray(v[0], np.float32).reshape(-1, 4), np.asarray(v[1], np.int32), np.asarray(v[2], bool)) for k, v in out.items()}

    def pixels(self, image: dict) -> torch.Tensor:
        """RGB float [H, W, 3] in 0..255; a decoded size other than the dataset's is an error (boxes would not fit)."""
        path = os.path.join(self.dir, self.meta['images'], image['file'])
        decoded = decode_image(read_file(path), ImageReadMode.RGB)
        if (decoded.shape[2], decoded.shape[1]) != (image['width'], image['height']):
            raise ValueError(f"{path}: decoded {decoded.shape[2]}x{decoded.shape[1]} but the dataset says {image['width']}x{image['height']}")
        return decoded.permute(1, 2, 0).float()
