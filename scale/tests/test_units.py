"""Small checks of the pieces the parity tests do not isolate: the page's generator, the model files' round trip
and the VOC AP rules."""
import json
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from frcnn_scale.bundle import Bundle  # noqa: E402
from frcnn_scale.tfjs_io import read_detector, write_detector  # noqa: E402
from frcnn_scale.training import ImageOrder, Mulberry32, shuffled  # noqa: E402
from frcnn_scale.voc import evaluate, voc07_ap  # noqa: E402


class Units(unittest.TestCase):
    def test_generator_is_the_pages(self):
        # src/training/rng.ts createRng(3), first four draws, printed by Node
        r = Mulberry32(3)
        self.assertEqual([r() for _ in range(4)], [0.7202267837710679, 0.03866216051392257, 0.4561921926215291, 0.07492800964973867])
        self.assertEqual(sorted(shuffled(range(10), Mulberry32(1))), list(range(10)))
        order = ImageOrder(5, Mulberry32(2))
        self.assertEqual(sorted(order.next(5)), list(range(5)))

    def test_model_files_round_trip(self):
        config = {'classNames': ['a'], 'detect': {'deltaClampLog': float('inf')}, 'head': {}}
        kernel = np.arange(6, dtype=np.float32).reshape(2, 3) / 7
        with tempfile.TemporaryDirectory() as d:
            write_detector(d, config, [('head/fc7/kernel', kernel), ('head/fc7/bias', np.ones(3, np.float32))])
            with self.assertRaises(ValueError):
                write_detector(d, config, [('head/x', np.array([np.nan], np.float32))])
            back, weights = read_detector(os.path.join(d, 'model.json'))
        self.assertEqual(back['detect']['deltaClampLog'], float('inf'))
        np.testing.assert_array_equal(weights['head/fc7/kernel'], kernel)

    def test_bundle_detect_options_come_from_bundle_json(self):
        detect = {'scoreThreshold': 0.2, 'candidateScoreThreshold': 0.05, 'nmsIouThreshold': 0.4, 'maxDetections': 7,
                  'deltaClampLog': None, 'bboxRegression': False, 'boxVotingIou': 0.5}
        meta = {'format': 'frcnn-web-training-bundle', 'classNames': ['a'], 'config': {}, 'head': {}, 'backbone': {},
                'proposals': {'file': 'proposals.bin'}, 'dataset': 'dataset.json', 'splits': {'train': []}, 'detect': detect}
        with tempfile.TemporaryDirectory() as d:
            np.zeros((0, 4), np.float32).tofile(os.path.join(d, 'proposals.bin'))
            with open(os.path.join(d, 'dataset.json'), 'w', encoding='utf-8') as f:
                json.dump({'categories': [{'id': 1, 'name': 'a'}], 'images': [], 'annotations': []}, f)
            with open(os.path.join(d, 'bundle.json'), 'w', encoding='utf-8') as f:
                json.dump(meta, f)
            self.assertEqual(Bundle(d).detect, {**detect, 'deltaClampLog': float('inf')})
            del meta['detect']['maxDetections']
            with open(os.path.join(d, 'bundle.json'), 'w', encoding='utf-8') as f:
                json.dump(meta, f)
            with self.assertRaisesRegex(ValueError, r'bundle\.json: detect lacks maxDetections: export the bundle again'):
                Bundle(d)

    def test_voc_ap(self):
        self.assertAlmostEqual(voc07_ap(np.array([0.5, 1.0]), np.array([1.0, 0.5])), (6 * 1.0 + 5 * 0.5) / 11)
        images = [{'gt_boxes': np.array([[0, 0, 10, 10], [20, 20, 30, 30]], np.float32), 'gt_classes': np.array([1, 1]),
                   'difficult': np.array([False, True])}]
        dets = [{'boxes': np.array([[0, 0, 10, 10], [20, 20, 30, 30], [50, 50, 60, 60]], np.float32),
                 'scores': np.array([0.9, 0.8, 0.7]), 'classes': np.array([1, 1, 1])}]
        result = evaluate(images, dets, ['a'])
        self.assertEqual(result['perClass']['a']['npos'], 1)  # the difficult box neither counts nor penalises
        self.assertAlmostEqual(result['mAP']['voc07'], 1.0)


if __name__ == '__main__':
    unittest.main()
