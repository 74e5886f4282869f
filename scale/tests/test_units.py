"""Small checks of the pieces the parity tests do not isolate: the page's generator, the model files' round trip
and the VOC AP rules."""
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
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
