/**
 * The pretrained MobileNetV3 (the backbone of @vladmandic/human's CenterNet, trained on COCO) up to its stride-16
 * tap, run by graph_interpreter.ts with every conv weight held as a tf.Variable.
 *
 * Fine-tuning (paper §4.5): blocks below `trainableFrom` are frozen (trainable = false) and form the *prefix*;
 * the rest is the *suffix*. A trainer can compute `frozenPrefix(image)` once per image, cache it, and run only
 * `trainableSuffix(prefix)` under the gradient tape.
 *
 * Input: [N, H, W, 3] float RGB in 0..255, any H and W (preprocess.ts). The graph's own preprocessing, image/255
 * (mobilenetv3_centernet `Centernet.preprocess`, RGB from cv2 BGR2RGB), was folded into the first conv when the
 * graph was frozen, so no mean or scale is applied here; human's centernet.ts also feeds 0..255 RGB. Checked on
 * the full CenterNet (512x512, two raccoon photos): RGB 0..255 gives cat/dog/bear at 0.39 and 0.57, BGR 0..255
 * 0.35 and 0.51, and 0..1 or -1..1 inputs detect nothing (best score 0.01).
 * Output: [N, ceil(H/16), ceil(W/16), C] (C = 528 at the default tap).
 * Blocks, in order: 'Conv' (the stem), 'expanded_conv', 'expanded_conv_1', ... 'expanded_conv_14'.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackboneConfig } from './defaults';
import { planGraph, runPlan, withReductionAxes, type GraphNodeJson, type PlanNode } from './graph_interpreter';

const CONV_OPS = new Set(['_FusedConv2D', 'FusedDepthwiseConv2dNative', 'Conv2D', 'DepthwiseConv2dNative', 'BiasAdd']);
const BLOCK_PATTERN = /MobilenetV3\/(Conv|expanded_conv(?:_\d+)?)\//;

/** 'Conv' -> 0, 'expanded_conv' -> 1, 'expanded_conv_k' -> k + 1; -1 for a name outside MobileNetV3. */
export function blockIndex(block: string): number {
  if (block === 'Conv') return 0;
  if (block === 'expanded_conv') return 1;
  const match = /^expanded_conv_(\d+)$/.exec(block);
  return match ? Number(match[1]) + 1 : -1;
}

/** The block a graph node belongs to, or null. */
export function blockOfNode(nodeName: string): string | null {
  return BLOCK_PATTERN.exec(nodeName)?.[1] ?? null;
}

interface Split {
  readonly prefix: readonly PlanNode[];
  readonly suffix: readonly PlanNode[];
  /** The one tensor the suffix reads from the prefix (the input node when the prefix is empty). */
  readonly boundary: string;
}

export class Backbone {
  private split: Split;
  private currentConfig: BackboneConfig;
  private readonly everTrainable = new Set<string>();
  /** Channels of the feature map at the tap. */
  outputChannels = 0;

  private constructor(
    config: BackboneConfig,
    private readonly nodes: readonly PlanNode[],
    /** Conv weights and biases, by graph constant name. */
    private readonly weights: ReadonlyMap<string, tf.Variable>,
    /** Other constants (hard-swish's 3 and 1/6). */
    private readonly constants: ReadonlyMap<string, tf.Tensor>,
  ) {
    const first = this.blockName(config.trainableFrom);
    this.currentConfig = { ...config, trainableFrom: first };
    this.split = this.splitAt(first);
    this.applyTrainable();
  }

  get config(): BackboneConfig {
    return this.currentConfig;
  }

  /** Loads the graph through any tfjs IOHandler, or from a URL (the app serves it at config.modelUrl). */
  static async load(config: BackboneConfig, source: string | tf.io.IOHandler = config.modelUrl): Promise<Backbone> {
    const handler = typeof source === 'string' ? tf.io.http(source) : source;
    if (handler.load === undefined) throw new Error('the backbone IOHandler cannot load');
    return Backbone.fromArtifacts(config, await handler.load());
  }

  static async fromArtifacts(config: BackboneConfig, artifacts: tf.io.ModelArtifacts): Promise<Backbone> {
    const topology = artifacts.modelTopology as { node?: GraphNodeJson[] } | undefined;
    if (topology?.node === undefined || artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
      throw new Error('the backbone artifacts need a graph topology, weight specs and weight data');
    }
    const plan = planGraph(topology.node, config.inputNode, config.tapNode);
    const decoded = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
    try {
      const axes = new Map<string, Int32Array | Float32Array>();
      for (const node of plan.nodes) {
        if (node.op === 'Mean') axes.set(node.inputs[1], (await decoded[node.inputs[1]].data()) as Int32Array);
      }
      const nodes = withReductionAxes(plan.nodes, (name) => axes.get(name) as Int32Array);
      const weights = new Map<string, tf.Variable>();
      const constants = new Map<string, tf.Tensor>();
      for (const node of nodes) {
        node.inputs.forEach((name, position) => {
          const value = decoded[name];
          if (value === undefined || weights.has(name) || constants.has(name)) return;
          if (CONV_OPS.has(node.op) && position > 0) weights.set(name, tf.variable(value, false));
          else constants.set(name, tf.clone(value));
        });
      }
      const backbone = new Backbone(config, nodes, weights, constants);
      backbone.outputChannels = tapChannels(nodes, weights, config.tapNode);
      return backbone;
    } finally {
      tf.dispose(Object.values(decoded));
    }
  }

  /** Block names in order, up to the tap's block. */
  get blocks(): string[] {
    const names: string[] = [];
    for (const node of this.nodes) {
      const block = blockOfNode(node.name);
      if (block !== null && !names.includes(block)) names.push(block);
    }
    return names;
  }

  /** The first trainable block's name (null: all frozen). */
  get trainableFrom(): string | null {
    return this.config.trainableFrom as string | null;
  }

  /** Freezes the blocks below `block` (a name, or an index into `blocks`) and unfreezes the rest; null freezes all. */
  setTrainableFrom(block: string | number | null): void {
    const name = this.blockName(block);
    this.split = this.splitAt(name);
    this.currentConfig = { ...this.currentConfig, trainableFrom: name };
    this.applyTrainable();
  }

  /** The frozen blocks' output for a preprocessed image batch; no weight in it learns. */
  frozenPrefix(images: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.run(this.split.prefix, this.config.inputNode, images, this.split.boundary) as tf.Tensor4D);
  }

  /** The trainable blocks, from a frozenPrefix() output to the tap. */
  trainableSuffix(prefixOutput: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.run(this.split.suffix, this.split.boundary, prefixOutput, this.config.tapNode) as tf.Tensor4D);
  }

  /** The stride-16 feature map: [N, ceil(H/16), ceil(W/16), outputChannels]. */
  forward(images: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.trainableSuffix(this.frozenPrefix(images)));
  }

  /** The variables that learn under the current split. */
  trainableVariables(): tf.Variable[] {
    return [...this.weights.values()].filter((v) => v.trainable);
  }

  /**
   * The weights that may differ from the pretrained file: every variable that has ever been trainable. A saved
   * detector stores these (weights_io.ts); the frozen rest is reloaded from the served graph.
   */
  modifiableWeights(): Map<string, tf.Variable> {
    return new Map([...this.weights].filter(([name]) => this.everTrainable.has(name)));
  }

  /** Assigns saved values by graph constant name; an unknown name or a wrong shape throws. */
  assignWeights(values: ReadonlyMap<string, tf.Tensor>): void {
    for (const [name, value] of values) {
      const variable = this.weights.get(name);
      if (variable === undefined) throw new Error(`the backbone has no weight ${name}`);
      if (!tf.util.arraysEqual(variable.shape, value.shape)) {
        throw new Error(`backbone weight ${name}: saved shape ${value.shape} but the graph has ${variable.shape}`);
      }
      variable.assign(value);
      this.everTrainable.add(name);
    }
  }

  dispose(): void {
    tf.dispose([...this.weights.values(), ...this.constants.values()]);
  }

  private run(nodes: readonly PlanNode[], inputName: string, input: tf.Tensor, output: string): tf.Tensor {
    if (inputName === output) return tf.clone(input); // callers may dispose what they get back
    const values = new Map<string, tf.Tensor>([...this.constants, ...this.weights]);
    values.set(inputName, input);
    return runPlan(nodes, values, output);
  }

  private blockName(block: string | number | null): string | null {
    if (typeof block !== 'number') return block;
    const name = this.blocks[block];
    if (!Number.isInteger(block) || name === undefined) throw new Error(`trainableFrom: no block number ${block} (0..${this.blocks.length - 1})`);
    return name;
  }

  private splitAt(block: string | null): Split {
    const first = block === null ? Infinity : blockIndex(block);
    if (block !== null && (first < 0 || !this.blocks.includes(block))) {
      throw new Error(`trainableFrom: no block ${block} before the tap (blocks: ${this.blocks.join(', ')})`);
    }
    const inPrefix = (node: PlanNode): boolean => {
      const name = blockOfNode(node.name);
      if (name === null) throw new Error(`node ${node.name} belongs to no MobileNetV3 block`);
      return blockIndex(name) < first;
    };
    const prefix = this.nodes.filter(inPrefix);
    const suffix = this.nodes.filter((node) => !inPrefix(node));
    const produced = new Set([this.config.inputNode, ...prefix.map((n) => n.name)]);
    const crossing = new Set(suffix.flatMap((n) => n.inputs.filter((name) => produced.has(name))));
    if (suffix.length === 0) crossing.add(this.config.tapNode);
    if (crossing.size !== 1) throw new Error(`block ${block} is read through ${crossing.size} tensors, expected 1`);
    return { prefix, suffix, boundary: [...crossing][0] };
  }

  private applyTrainable(): void {
    const suffixInputs = new Set(this.split.suffix.flatMap((n) => n.inputs));
    for (const [name, variable] of this.weights) {
      variable.trainable = suffixInputs.has(name);
      if (variable.trainable) this.everTrainable.add(name);
    }
  }
}

/**
 * Channels at the tap, read from the graph instead of running it (a probe run would compile every shader at
 * a throw-away size on WebGPU): walk back through element-wise ops to the conv that fixes the channel count.
 */
function tapChannels(nodes: readonly PlanNode[], weights: ReadonlyMap<string, tf.Variable>, tap: string): number {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  let node = byName.get(tap);
  while (node !== undefined) {
    const filter = weights.get(node.inputs[1] ?? '')?.shape as number[] | undefined;
    if (node.op.includes('Depthwise') && filter) return filter[2] * filter[3];
    if (node.op.includes('Conv2D') && filter) return filter[3];
    node = node.inputs.map((name) => byName.get(name)).find((n) => n !== undefined);
  }
  throw new Error(`cannot tell the channels of ${tap}`);
}
