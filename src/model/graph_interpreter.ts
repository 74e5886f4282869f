/**
 * A small interpreter for the part of a tfjs graph-model (TensorFlow GraphDef as JSON) that a conv backbone uses,
 * executing ordinary tf ops so that gradients flow into whichever weights the caller holds as tf.Variables
 * (tf.loadGraphModel holds them as constants and has no gradients).
 *
 * Supported ops: _FusedConv2D and FusedDepthwiseConv2dNative (BiasAdd, optionally + Relu/Relu6), Conv2D,
 * DepthwiseConv2dNative, BiasAdd, Add/AddV2, Sub, Mul, Relu, Relu6, Sigmoid, Mean, Identity. Anything else throws
 * when the plan is built, not at run time. Batch norm must already be folded into the convs (it is in the
 * converted MobileNetV3: no FusedBatchNorm op is left).
 *
 * Shapes: NHWC everywhere, as in the graph (data_format NHWC is checked).
 */
import * as tf from '@tensorflow/tfjs';

/** The graph JSON fields we read (a subset of tfjs's GraphDef-as-JSON). */
export interface GraphNodeJson {
  readonly name: string;
  readonly op: string;
  readonly input?: readonly string[];
  readonly attr?: Record<string, AttrJson>;
}
interface AttrJson {
  readonly s?: string;
  readonly b?: boolean;
  readonly list?: { readonly i?: readonly (string | number)[]; readonly s?: readonly string[] };
}

/** One executable op of a plan, with its attributes decoded. */
export interface PlanNode {
  readonly name: string;
  readonly op: string;
  /** Names of the producing nodes (output index 0; control inputs dropped). */
  readonly inputs: readonly string[];
  readonly strides: number;
  readonly padding: 'same' | 'valid';
  readonly dilations: number;
  readonly activation: 'linear' | 'relu' | 'relu6';
  readonly keepDims: boolean;
  /** Mean: the reduction axes, read from its constant second input by withReductionAxes(). */
  readonly axes?: readonly number[];
}

/** The ops needed to compute `output` from `input`, in a topological order, plus the constants they read. */
export interface GraphPlan {
  readonly input: string;
  readonly output: string;
  readonly nodes: readonly PlanNode[];
  readonly constants: readonly string[];
}

const SUPPORTED = new Set([
  '_FusedConv2D', 'FusedDepthwiseConv2dNative', 'Conv2D', 'DepthwiseConv2dNative', 'BiasAdd',
  'Add', 'AddV2', 'Sub', 'Mul', 'Relu', 'Relu6', 'Sigmoid', 'Mean', 'Identity',
]);

/** Builds the plan for `output`, walking back from it until `input` or constants. */
export function planGraph(graphNodes: readonly GraphNodeJson[], input: string, output: string): GraphPlan {
  const byName = new Map(graphNodes.map((n) => [n.name, n]));
  const order: string[] = [];
  const constants: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`graph cycle at ${name}`);
    const node = byName.get(name);
    if (node === undefined) throw new Error(`graph has no node ${name}`);
    state.set(name, 'visiting');
    if (name !== input && node.op !== 'Const') for (const producer of dataInputs(node)) visit(producer);
    state.set(name, 'done');
    if (node.op === 'Const') constants.push(name);
    else if (name !== input) order.push(name);
  };
  visit(output);
  if (!state.has(input)) throw new Error(`${output} does not depend on ${input}`);
  return { input, output, nodes: order.map((name) => decodeNode(byName.get(name) as GraphNodeJson)), constants };
}

/** Runs the plan's nodes; `values` must hold the input (or any boundary tensors) and every constant read. */
export function runPlan(nodes: readonly PlanNode[], values: Map<string, tf.Tensor>, output: string): tf.Tensor {
  const env = new Map(values);
  for (const node of nodes) {
    const args = node.inputs.map((name) => {
      const value = env.get(name);
      if (value === undefined) throw new Error(`${node.name}: input ${name} has no value`);
      return value;
    });
    env.set(node.name, runNode(node, args));
  }
  const result = env.get(output);
  if (result === undefined) throw new Error(`the plan did not compute ${output}`);
  return result;
}

/**
 * Copies the constant reduction axes of Mean nodes into the nodes, so running never reads a tensor back
 * (dataSync stalls WebGPU). `constant(name)` returns a constant's values.
 */
export function withReductionAxes(nodes: readonly PlanNode[], constant: (name: string) => ArrayLike<number>): PlanNode[] {
  return nodes.map((node) => (node.op === 'Mean' ? { ...node, inputs: node.inputs.slice(0, 1), axes: Array.from(constant(node.inputs[1])) } : node));
}

/**
 * Under a gradient tape, fused convs run as conv + bias + activation: tfjs's fused ops differentiate through
 * backprop kernels directly (wasm has none for filters), while the plain Conv2D / DepthwiseConv2dNative kernels take
 * whatever gradient is registered for them (training/wasm_conv_gradients.ts on wasm). Same values either way.
 */
function underGradientTape(): boolean {
  return tf.engine().state.gradientDepth > 0;
}

function activate(x: tf.Tensor, activation: PlanNode['activation']): tf.Tensor {
  return activation === 'relu' ? tf.relu(x) : activation === 'relu6' ? tf.relu6(x) : x;
}

function runNode(node: PlanNode, a: tf.Tensor[]): tf.Tensor {
  const conv = { strides: node.strides, pad: node.padding, dilations: node.dilations } as const;
  switch (node.op) {
    case '_FusedConv2D':
      if (underGradientTape()) return activate(tf.add(tf.conv2d(a[0] as tf.Tensor4D, a[1] as tf.Tensor4D, conv.strides, conv.pad, 'NHWC', conv.dilations), a[2]), node.activation);
      return tf.fused.conv2d({ x: a[0] as tf.Tensor4D, filter: a[1] as tf.Tensor4D, bias: a[2], activation: node.activation, ...conv });
    case 'FusedDepthwiseConv2dNative':
      if (underGradientTape()) return activate(tf.add(tf.depthwiseConv2d(a[0] as tf.Tensor4D, a[1] as tf.Tensor4D, conv.strides, conv.pad, 'NHWC', conv.dilations), a[2]), node.activation);
      return tf.fused.depthwiseConv2d({ x: a[0] as tf.Tensor4D, filter: a[1] as tf.Tensor4D, bias: a[2], activation: node.activation, ...conv });
    case 'Conv2D':
      return tf.conv2d(a[0] as tf.Tensor4D, a[1] as tf.Tensor4D, conv.strides, conv.pad, 'NHWC', conv.dilations);
    case 'DepthwiseConv2dNative':
      return tf.depthwiseConv2d(a[0] as tf.Tensor4D, a[1] as tf.Tensor4D, conv.strides, conv.pad, 'NHWC', conv.dilations);
    case 'BiasAdd':
    case 'Add':
    case 'AddV2':
      return tf.add(a[0], a[1]);
    case 'Sub':
      return tf.sub(a[0], a[1]);
    case 'Mul':
      return tf.mul(a[0], a[1]);
    case 'Relu':
      return tf.relu(a[0]);
    case 'Relu6':
      return tf.relu6(a[0]);
    case 'Sigmoid':
      return tf.sigmoid(a[0]);
    case 'Mean':
      if (node.axes === undefined) throw new Error(`${node.name}: reduction axes not resolved (withReductionAxes)`);
      return tf.mean(a[0], [...node.axes], node.keepDims);
    case 'Identity':
      return a[0];
    default:
      throw new Error(`unsupported op ${node.op}`);
  }
}

function decodeNode(node: GraphNodeJson): PlanNode {
  if (!SUPPORTED.has(node.op)) throw new Error(`graph_interpreter: op ${node.op} (${node.name}) is not supported`);
  const attr = node.attr ?? {};
  const format = decodeString(attr.data_format?.s);
  if (format !== '' && format !== 'NHWC') throw new Error(`${node.name}: data_format ${format} is not supported`);
  const fused = (attr.fused_ops?.list?.s ?? []).map(decodeString);
  const extra = fused.filter((f) => f !== 'BiasAdd');
  if (fused.length > 0 && fused[0] !== 'BiasAdd') throw new Error(`${node.name}: fused ops ${fused.join('+')}`);
  if (extra.length > 1 || (extra.length === 1 && extra[0] !== 'Relu' && extra[0] !== 'Relu6')) {
    throw new Error(`${node.name}: fused activation ${extra.join('+')} is not supported`);
  }
  const padding = decodeString(attr.padding?.s);
  if (padding !== '' && padding !== 'SAME' && padding !== 'VALID') throw new Error(`${node.name}: padding ${padding}`);
  return {
    name: node.name,
    op: node.op,
    inputs: dataInputs(node),
    strides: square(attr.strides?.list?.i, node.name, 'strides'),
    padding: padding === 'VALID' ? 'valid' : 'same',
    dilations: square(attr.dilations?.list?.i, node.name, 'dilations'),
    activation: extra[0] === 'Relu' ? 'relu' : extra[0] === 'Relu6' ? 'relu6' : 'linear',
    keepDims: attr.keep_dims?.b ?? false,
  };
}

/** Producer names of the data inputs: "^x" (control) dropped; "x:0" is "x"; "x:1" is not supported. */
function dataInputs(node: GraphNodeJson): string[] {
  return (node.input ?? [])
    .filter((name) => !name.startsWith('^'))
    .map((name) => {
      const [base, index] = name.split(':');
      if (index !== undefined && index !== '0') throw new Error(`${node.name}: multi-output input ${name}`);
      return base;
    });
}

/** [1, s, s, 1] attributes must be square; absent means 1. */
function square(list: readonly (string | number)[] | undefined, name: string, what: string): number {
  if (list === undefined || list.length === 0) return 1;
  const [n, h, w, c] = list.map(Number);
  if (n !== 1 || c !== 1 || h !== w) throw new Error(`${name}: ${what} ${list.join(',')} are not [1,s,s,1]`);
  return h;
}

function decodeString(base64: string | undefined): string {
  if (base64 === undefined) return '';
  return atob(base64);
}
