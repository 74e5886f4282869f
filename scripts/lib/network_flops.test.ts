import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { planGraph, type GraphNodeJson } from '../../src/model/graph_interpreter';
import { DEFAULT_BACKBONE } from '../../src/model/defaults';
import { centernetArtifacts } from '../../src/model/testing/node_backbone';
import { backboneFlops, broadcast, networkFlops, networkShapeOf, type FlopNode, type HeadSizes } from './network_flops';

const node = (name: string, op: string, inputs: string[], extra: Partial<FlopNode> = {}): FlopNode => ({
  name, op, inputs, strides: 1, padding: 'same', dilations: 1, keepDims: false, ...extra,
});

/** stem conv 3x3/2 (3 -> 8), depthwise 3x3 (8), squeeze-excite (mean, 1x1 8 -> 2 -> 8, mul), 1x1 valid (8 -> 16). */
const TINY: FlopNode[] = [
  node('stem', '_FusedConv2D', ['image', 'stem/w', 'stem/b'], { strides: 2 }),
  node('dw', 'FusedDepthwiseConv2dNative', ['stem', 'dw/w', 'dw/b']),
  node('se/mean', 'Mean', ['dw'], { keepDims: true, axes: [1, 2] }),
  node('se/down', '_FusedConv2D', ['se/mean', 'down/w', 'down/b']),
  node('se/up', 'Conv2D', ['se/down', 'up/w']),
  node('se/gate', 'Sigmoid', ['se/up']),
  node('se/mul', 'Mul', ['dw', 'se/gate']),
  node('scaled', 'Mul', ['se/mul', 'half']),
  node('project', 'Conv2D', ['scaled', 'project/w'], { padding: 'valid' }),
];
const TINY_SHAPES = new Map<string, number[]>([
  ['stem/w', [3, 3, 3, 8]], ['stem/b', [8]], ['dw/w', [3, 3, 8, 1]], ['dw/b', [8]],
  ['down/w', [1, 1, 8, 2]], ['down/b', [2]], ['up/w', [1, 1, 2, 8]], ['half', []], ['project/w', [1, 1, 8, 16]],
]);

describe('backboneFlops', () => {
  test('counts 2 FLOPs per multiply-add of every conv, with TF SAME/VALID sizes', () => {
    const { flops, tapShape } = backboneFlops(TINY, TINY_SHAPES, 'image', [1, 31, 32, 3], 'project');
    // stride 2 SAME: ceil(31 / 2) x ceil(32 / 2) = 16 x 16
    const stem = 2 * 16 * 16 * 8 * (3 * 3 * 3);
    const depthwise = 2 * 16 * 16 * 8 * (3 * 3);
    const excite = 2 * 1 * 1 * 2 * 8 + 2 * 1 * 1 * 8 * 2;
    const project = 2 * 16 * 16 * 16 * 8;
    expect(flops).toBe(stem + depthwise + excite + project);
    expect(tapShape).toEqual([1, 16, 16, 16]);
  });

  test('VALID padding shrinks by the filter, and a wrong channel count throws', () => {
    const valid = [node('c', 'Conv2D', ['x', 'w'], { padding: 'valid', strides: 2 })];
    const shapes = new Map([['w', [3, 3, 4, 5]]]);
    expect(backboneFlops(valid, shapes, 'x', [1, 10, 9, 4], 'c').tapShape).toEqual([1, 4, 4, 5]);
    expect(() => backboneFlops(valid, shapes, 'x', [1, 10, 9, 3], 'c')).toThrow(/channels/);
    expect(() => backboneFlops([node('p', 'MaxPool', ['x'])], shapes, 'x', [1, 4, 4, 4], 'p')).toThrow(/not counted/);
  });

  test('broadcast follows NumPy', () => {
    expect(broadcast([1, 5, 5, 8], [1, 1, 1, 8])).toEqual([1, 5, 5, 8]);
    expect(broadcast([1, 5, 5, 8], [])).toEqual([1, 5, 5, 8]);
    expect(broadcast([8], [3, 1])).toEqual([3, 8]);
    expect(() => broadcast([2, 3], [4, 3])).toThrow(/broadcast/);
  });
});

const HEAD: HeadSizes = { reduceChannels: 128, pooledHeight: 7, pooledWidth: 7, fc6: 256, fc7: 256, fc6Rank: null, fc7Rank: null };

describe('networkFlops on the pretrained MobileNetV3 graph', () => {
  const artifacts = centernetArtifacts();
  const graph = {
    nodes: (artifacts.modelTopology as { node: GraphNodeJson[] }).node,
    weightSpecs: artifacts.weightSpecs ?? [],
  };
  const config = { classNames: ['Platelets', 'RBC', 'WBC'], backbone: DEFAULT_BACKBONE, head: HEAD };
  const network = networkShapeOf(graph, config);

  test("the graph's squeeze-excite means are spatial (what backboneFlops assumes without axes)", () => {
    const plan = planGraph(graph.nodes, DEFAULT_BACKBONE.inputNode, DEFAULT_BACKBONE.tapNode);
    const means = plan.nodes.filter((n) => n.op === 'Mean');
    expect(means.length).toBeGreaterThan(0);
    const decoded = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
    for (const mean of means) {
      expect([...decoded[mean.inputs[1]].dataSync()]).toEqual([1, 2]);
      expect(mean.keepDims).toBe(true);
    }
    tf.dispose(Object.values(decoded));
  });

  test('the tap is the stride-16, 528-channel map (backbone.ts), e.g. 38x63 at 600x1000', () => {
    const at = (h: number, w: number) => backboneFlops(network.nodes, network.constants, network.inputNode, [1, h, w, 3], network.tapNode);
    expect(at(600, 1000).tapShape).toEqual([1, 38, 63, 528]);
    expect(at(100, 70).tapShape).toEqual([1, 7, 5, 528]);
    // MobileNetV3-Large is 219 M multiply-adds at 224x224 for the whole network; the stride-16 part is most of it
    const at224 = at(224, 224).flops;
    expect(at224).toBeGreaterThan(2 * 100e6);
    expect(at224).toBeLessThan(2 * 219e6);
    // convs scale with the pixels (SAME padding: exactly, at multiples of 16), except squeeze-excite's on 1x1 maps
    expect(at(448, 448).flops / (4 * at224)).toBeCloseTo(1, 2);
    expect(at(448, 448).flops).toBeLessThan(4 * at224);
  });

  test('the head: reduce per feature cell, fc6/fc7/outputs per RoI, everything per view; SVD ranks shrink fc', () => {
    const levels = [{ width: 1067, height: 800 }];
    const one = networkFlops(network, levels, 1);
    const many = networkFlops(network, levels, 2000);
    expect(one.reduce).toBe(2 * 50 * 67 * 528 * 128);
    expect(one.fc).toBe(2 * (7 * 7 * 128 * 256 + 256 * 256));
    expect(one.outputs).toBe(2 * 256 * (4 + 16));
    expect(many.fc).toBe(2000 * one.fc);
    expect(many.backbone).toBe(one.backbone);
    expect(many.total).toBe(many.backbone + many.reduce + many.fc + many.outputs);
    const flipped = networkFlops(network, levels, 2000, 2);
    expect(flipped.total).toBe(2 * many.total);
    const svd = networkFlops({ ...network, head: { ...HEAD, fc6Rank: 64, fc7Rank: 32 } }, levels, 1);
    expect(svd.fc).toBe(2 * (64 * (6272 + 256) + 32 * (256 + 256)));
    // a BCCD image at the shipped scale (800 px) with 2,000 RoIs: about 11 GFLOP, 6.7 of them fc6 and fc7
    expect(many.fc / 1e9).toBeCloseTo(6.68, 2);
    expect(many.total / 1e9).toBeGreaterThan(8);
    expect(many.total / 1e9).toBeLessThan(15);
  });
});
