"""Detect with a saved model (model.json + weights.bin) in PyTorch, and write what the page needs to repeat it.

  python3 scale/detect.py --model DIR --bundle BUNDLE --image FILE --out DIR [--score-threshold 0.05]

Writes DIR/pixels.bin (the decoded RGB, float32 [H, W, 3]), DIR/proposals.bin (the bundle's proposals of that
image, float32 [R, 4]) and DIR/detections.json ({width, height, options, detections: [{classId, score, box}]}),
which scripts/scale/detect_check.ts loads into the page's own detector (tfjs cpu) to compare."""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from frcnn_scale.bundle import Bundle  # noqa: E402
from frcnn_scale.detector import Detector  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument('--model', required=True)
    p.add_argument('--bundle', required=True)
    p.add_argument('--image', required=True, help='an image file name listed in the bundle')
    p.add_argument('--out', required=True)
    p.add_argument('--score-threshold', type=float, default=0.05)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    bundle = Bundle(args.bundle)
    image = next((im for split in bundle.splits.values() for im in split if im['file'] == args.image), None)
    if image is None:
        raise SystemExit(f'{args.image} is not an image of the bundle {args.bundle}')
    detector = Detector.load(os.path.join(args.model, 'model.json'), bundle.backbone_json)
    pixels = bundle.pixels(image)
    options = {'scoreThreshold': args.score_threshold, 'candidateScoreThreshold': args.score_threshold}
    found = detector.detect(pixels, image['proposals'], options)
    os.makedirs(args.out, exist_ok=True)
    pixels.numpy().astype(np.float32).tofile(os.path.join(args.out, 'pixels.bin'))
    image['proposals'].astype(np.float32).tofile(os.path.join(args.out, 'proposals.bin'))
    detections = [{'classId': int(c), 'score': float(s), 'box': [float(v) for v in b]}
                  for b, s, c in zip(found['boxes'], found['scores'], found['classes'])]
    with open(os.path.join(args.out, 'detections.json'), 'w', encoding='utf-8') as f:
        json.dump({'width': image['width'], 'height': image['height'], 'options': options, 'detections': detections}, f)
    print(json.dumps({'detections': len(detections)}))


if __name__ == '__main__':
    main()
