/**
 * The arithmetic of one detection's network, counted from the graph's shapes (no weights, no tensors, no I/O), for
 * `npm run bench:latency`'s physical-limit estimate (scripts/bench_latency.ts, counted in its page).
 *
 * Counted: multiply-adds, 2 FLOPs each, of every conv and depthwise conv of the backbone up to its tap at the
 * image's actual input size (shapes propagated through the plan graph_interpreter.ts runs), the head's 1x1 reduce
 * on the feature map, and fc6, fc7, cls_score and bbox_pred for the RoIs actually used. Not counted: biases,
 * activations, element-wise ops, the squeeze-excite means, RoI max pooling and the softmax (comparisons and
 * memory traffic, not multiply-adds; a few percent of the work at most).
 */
import { planGraph, type GraphNodeJson, type PlanNode } from '../../src/model/graph_interpreter';

/** The fields of a plan node the count reads. */
export type FlopNode = Pick<PlanNode, 'name' | 'op' | 'inputs' | 'strides' | 'padding' | 'dilations' | 'keepDims' | 'axes'>;

export interface BackboneFlops {
  /** FLOPs of the convs up to the tap (2 per multiply-add). */
  readonly flops: number;
  /** The tap's shape, [N, H, W, C]. */
  readonly tapShape: readonly number[];
}

const CONV = new Set(['_FusedConv2D', 'Conv2D']);
const DEPTHWISE = new Set(['FusedDepthwiseConv2dNative', 'DepthwiseConv2dNative']);
const ELEMENTWISE = new Set(['BiasAdd', 'Add', 'AddV2', 'Sub', 'Mul', 'Relu', 'Relu6', 'Sigmoid', 'Identity']);

/**
 * The convs' FLOPs from `input` ([N, H, W, C]) to `tap`. `constants` gives the shape of every constant a node reads
 * (conv filters [kh, kw, in, out] or [kh, kw, in, multiplier], biases, scalars); nodes must be in a topological
 * order (graph_interpreter.ts planGraph's). A Mean without resolved axes is taken as the spatial mean (axes 1, 2).
 */
export function backboneFlops(
  nodes: readonly FlopNode[],
  constants: ReadonlyMap<string, readonly number[]>,
  inputName: string,
  input: readonly number[],
  tap: string,
): BackboneFlops {
  const shapes = new Map<string, readonly number[]>([...constants, [inputName, input]]);
  const shapeOf = (node: FlopNode, name: string): readonly number[] => {
    const shape = shapes.get(name);
    if (shape === undefined) throw new Error(`${node.name}: no shape for input ${name}`);
    return shape;
  };
  let flops = 0;
  for (const node of nodes) {
    let out: readonly number[];
    if (CONV.has(node.op) || DEPTHWISE.has(node.op)) {
      const [n, h, w, c] = shapeOf(node, node.inputs[0]);
      const [kh, kw, cin, k] = shapeOf(node, node.inputs[1]);
      if (cin !== c) throw new Error(`${node.name}: filter takes ${cin} channels, input has ${c}`);
      const oh = outputSize(h, kh, node);
      const ow = outputSize(w, kw, node);
      const channels = DEPTHWISE.has(node.op) ? c * k : k;
      // a conv: each output reads kh·kw·cin inputs; a depthwise conv: kh·kw of its own channel
      const reads = DEPTHWISE.has(node.op) ? kh * kw : kh * kw * cin;
      flops += 2 * n * oh * ow * channels * reads;
      out = [n, oh, ow, channels];
    } else if (node.op === 'Mean') {
      const x = shapeOf(node, node.inputs[0]);
      const axes = new Set((node.axes ?? [1, 2]).map((a) => (a < 0 ? a + x.length : a)));
      out = node.keepDims ? x.map((d, i) => (axes.has(i) ? 1 : d)) : x.filter((_, i) => !axes.has(i));
    } else if (ELEMENTWISE.has(node.op)) {
      out = node.inputs.map((name) => shapeOf(node, name)).reduce((a, b) => broadcast(a, b, node.name));
    } else {
      throw new Error(`${node.name}: op ${node.op} is not counted`);
    }
    shapes.set(node.name, out);
  }
  const tapShape = shapes.get(tap);
  if (tapShape === undefined) throw new Error(`the plan does not reach the tap ${tap}`);
  return { flops, tapShape };
}

/** TF's output size: SAME ceil(n / s), VALID ceil((n - (k - 1)·d) / s). */
function outputSize(size: number, kernel: number, node: FlopNode): number {
  const span = node.padding === 'valid' ? size - (kernel - 1) * node.dilations : size;
  if (span < 1) throw new Error(`${node.name}: input of ${size} is smaller than its ${kernel}-wide filter`);
  return Math.ceil(span / node.strides);
}

/** NumPy broadcasting of two shapes. */
export function broadcast(a: readonly number[], b: readonly number[], name = 'op'): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`${name}: shapes ${a} and ${b} do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** The head's sizes, as a saved detector's config stores them (src/model/defaults.ts HeadConfig). */
export interface HeadSizes {
  readonly reduceChannels: number | null;
  readonly pooledHeight: number;
  readonly pooledWidth: number;
  readonly fc6: number;
  readonly fc7: number;
  readonly fc6Rank: number | null;
  readonly fc7Rank: number | null;
}

export interface NetworkFlops {
  readonly backbone: number;
  /** The 1x1 reduce conv on the feature map (0 without one). */
  readonly reduce: number;
  /** fc6 and fc7. */
  readonly fc: number;
  /** cls_score and bbox_pred. */
  readonly outputs: number;
  readonly total: number;
}

export interface NetworkShape {
  readonly nodes: readonly FlopNode[];
  readonly constants: ReadonlyMap<string, readonly number[]>;
  readonly inputNode: string;
  readonly tapNode: string;
  readonly head: HeadSizes;
  /** Foreground classes K (the outputs are K + 1 scores and 4(K + 1) deltas). */
  readonly numClasses: number;
}

/**
 * One detection's network FLOPs: the backbone and the reduce conv at each pyramid level's scaled image size, the
 * fc layers and outputs for `rois` RoIs, all once per test view (the image and each test-time flip).
 */
export function networkFlops(
  network: NetworkShape,
  levels: readonly { readonly width: number; readonly height: number }[],
  rois: number,
  views = 1,
): NetworkFlops {
  let backbone = 0;
  let reduce = 0;
  let tapChannels = 0;
  for (const level of levels) {
    const b = backboneFlops(network.nodes, network.constants, network.inputNode, [1, level.height, level.width, 3], network.tapNode);
    const [, h, w, c] = b.tapShape;
    backbone += b.flops;
    tapChannels = c;
    if (network.head.reduceChannels !== null) reduce += 2 * h * w * c * network.head.reduceChannels;
  }
  const { head } = network;
  const pooled = head.pooledHeight * head.pooledWidth * (head.reduceChannels ?? tapChannels);
  const fc = denseFlops(rois, pooled, head.fc6, head.fc6Rank) + denseFlops(rois, head.fc6, head.fc7, head.fc7Rank);
  const outputs = denseFlops(rois, head.fc7, 5 * (network.numClasses + 1), null);
  const parts = { backbone: views * backbone, reduce: views * reduce, fc: views * fc, outputs: views * outputs };
  return { ...parts, total: parts.backbone + parts.reduce + parts.fc + parts.outputs };
}

/** [rows, in] x [in, out], or through a rank-r factorisation [in, r] x [r, out]. */
function denseFlops(rows: number, inputs: number, outputs: number, rank: number | null): number {
  return rank === null ? 2 * rows * inputs * outputs : 2 * rows * rank * (inputs + outputs);
}

/** The parts of a saved detector's config (its model.json modelTopology.config) the count reads. */
export interface DetectorSizes {
  readonly classNames: readonly string[];
  readonly backbone: { readonly inputNode: string; readonly tapNode: string };
  readonly head: HeadSizes;
}

/**
 * The network of a detector config over the pretrained graph's topology and weight specs (the backbone's
 * model.json: no weights needed). The graph's squeeze-excite Means are spatial (axes 1, 2: network_flops.test.ts
 * reads them), which backboneFlops assumes when no axes are given.
 */
export function networkShapeOf(
  graph: { readonly nodes: readonly GraphNodeJson[]; readonly weightSpecs: readonly { readonly name: string; readonly shape: readonly number[] }[] },
  config: DetectorSizes,
): NetworkShape {
  const { inputNode, tapNode } = config.backbone;
  return {
    nodes: planGraph(graph.nodes, inputNode, tapNode).nodes,
    constants: new Map(graph.weightSpecs.map((spec) => [spec.name, spec.shape])),
    inputNode,
    tapNode,
    head: config.head,
    numClasses: config.classNames.length,
  };
}
