/**
 * The RoI head (paper §2, Figure 1): an optional 1x1 "reduce" conv + ReLU on the shared feature map, RoI max
 * pooling, fc6 → ReLU → dropout, fc7 → ReLU → dropout, then two siblings: cls_score (K+1, softmax at test time)
 * and bbox_pred (4 deltas per class, class-major).
 *
 * Shape letters: N images (pyramid levels), H x W feature map, C tap channels, C' pooled channels (reduceChannels
 * or C), R RoIs, PH x PW pooled grid, D = PH·PW·C' (flattened in NHWC order: ph, pw, c), K foreground classes.
 *
 * Weights are tf.Variables named `<layer>/kernel` [in, out] and `<layer>/bias` [out]; a layer compressed by
 * truncated SVD (svd.ts) holds `<layer>/left` [in, l] and `<layer>/right` [l, out] instead of its kernel.
 * Initialization (paper §2.3): cls_score N(0, 0.01), bbox_pred N(0, 0.001), biases 0. The paper's fc6/fc7 start
 * from ImageNet weights; there are none for this head, so reduce, fc6 and fc7 start He-normal, N(0, 2/fan_in),
 * which keeps the activations' scale through the ReLUs.
 */
import * as tf from '@tensorflow/tfjs';
import { roiPool } from '../kernels/roi_pool/roi_pool';
import { INIT_STD, type HeadConfig } from './defaults';
import { variablesFromWeights } from './weight_variables';

export interface HeadShape {
  /** C: channels of the backbone tap. */
  readonly inChannels: number;
  /** K: foreground classes. */
  readonly numClasses: number;
  readonly head: HeadConfig;
}

// a type, not an interface, so that tf.tidy accepts it as a TensorContainer
export type HeadOutputs = {
  /** [R, K+1] pre-softmax scores. */
  readonly clsScore: tf.Tensor2D;
  /** [R, 4(K+1)] deltas, normalized as trained (postprocess.ts applies delta·std + mean). */
  readonly bboxPred: tf.Tensor2D;
};

/** The RoI pooling op; roiPool from src/kernels by default (tfjs picks the WGSL, WebGL or CPU kernel). */
export type PoolFunction = (
  features: tf.Tensor4D,
  rois: tf.Tensor2D,
  pooledHeight: number,
  pooledWidth: number,
  spatialScale: number,
) => tf.Tensor4D;

export const FC_LAYERS = ['fc6', 'fc7'] as const;
export type FcLayer = (typeof FC_LAYERS)[number];

export class RoiHead {
  private constructor(
    readonly shape: HeadShape,
    private readonly variables: Map<string, tf.Variable>,
    private readonly pool: PoolFunction,
  ) {}

  /** A freshly initialized head; `seed` makes the initial weights reproducible. */
  static create(shape: HeadShape, seed = 3, pool: PoolFunction = roiPool): RoiHead {
    if (shape.head.fc6Rank !== null || shape.head.fc7Rank !== null) {
      throw new Error('a new head is dense: create it with fc6Rank = fc7Rank = null, then compress it (svd.ts)');
    }
    const variables = new Map<string, tf.Variable>();
    let layerSeed = seed;
    for (const { name, fanIn, fanOut, std } of layerPlan(shape)) {
      variables.set(`${name}/kernel`, tf.variable(tf.randomNormal([fanIn, fanOut], 0, std, 'float32', layerSeed++)));
      variables.set(`${name}/bias`, tf.variable(tf.zeros([fanOut])));
    }
    return new RoiHead(shape, variables, pool);
  }

  /** A head holding the given weights (copied); the names must be exactly those a head of `shape` has. */
  static fromWeights(shape: HeadShape, weights: ReadonlyMap<string, tf.Tensor>, pool: PoolFunction = roiPool): RoiHead {
    const variables = variablesFromWeights('head', expectedWeightShapes(shape), weights);
    return new RoiHead(shape, variables, pool);
  }

  /** The map RoIs are pooled from: reduce conv + ReLU (a matMul over pixels), or the tap itself. */
  reduce(features: tf.Tensor4D): tf.Tensor4D {
    const channels = this.shape.head.reduceChannels;
    if (channels === null) return tf.clone(features);
    return tf.tidy(() => {
      const [n, h, w, c] = features.shape;
      const flat = tf.reshape(features, [n * h * w, c]) as tf.Tensor2D;
      return tf.reshape(tf.relu(this.dense(flat, 'reduce')), [n, h, w, channels]) as tf.Tensor4D;
    });
  }

  /** [R, PH, PW, C'] from a reduced map; rois [R, 5] (level, x1, y1, x2, y2) in scaled-image pixels. */
  poolRois(reduced: tf.Tensor4D, rois: tf.Tensor2D, spatialScale: number): tf.Tensor4D {
    const { pooledHeight, pooledWidth } = this.shape.head;
    return this.pool(reduced, rois, pooledHeight, pooledWidth, spatialScale);
  }

  /** fc6, fc7 and the two siblings on pooled RoIs [R, PH, PW, C']; dropout only when training. */
  forward(pooled: tf.Tensor4D, options: { readonly training: boolean }): HeadOutputs {
    return tf.tidy(() => {
      const rate = options.training ? this.shape.head.dropoutRate : 0;
      let x = tf.reshape(pooled, [pooled.shape[0], -1]) as tf.Tensor2D;
      for (const layer of FC_LAYERS) {
        x = tf.relu(this.dense(x, layer));
        if (rate > 0) x = tf.dropout(x, rate) as tf.Tensor2D;
      }
      return { clsScore: this.dense(x, 'cls_score'), bboxPred: this.dense(x, 'bbox_pred') };
    });
  }

  /** reduce → pool → forward for tap features [N, H, W, C] (N images or levels; rois index them). */
  forwardRois(features: tf.Tensor4D, rois: tf.Tensor2D, spatialScale: number, options: { readonly training: boolean }): HeadOutputs {
    return tf.tidy(() => this.forward(this.poolRois(this.reduce(features), rois, spatialScale), options));
  }

  /** All weights by name (the variables themselves, not copies). */
  weights(): ReadonlyMap<string, tf.Variable> {
    return this.variables;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.variables.values()];
  }

  /** The weights for an optimizer: name, variable, and whether it is a bias (Caffe: lr x2, no decay). */
  parameters(): { readonly name: string; readonly variable: tf.Variable; readonly isBias: boolean }[] {
    return [...this.variables].map(([name, variable]) => ({ name, variable, isBias: name.endsWith('/bias') }));
  }

  /** Replaces fc layer `layer`'s kernel by SVD factors left [in, l], right [l, out] (svd.ts computes them). */
  factorLayer(layer: FcLayer, left: tf.Tensor2D, right: tf.Tensor2D): RoiHead {
    const rank = left.shape[1];
    const weights = new Map<string, tf.Tensor>(this.variables);
    weights.delete(`${layer}/kernel`);
    weights.delete(`${layer}/left`);
    weights.delete(`${layer}/right`);
    weights.set(`${layer}/left`, left);
    weights.set(`${layer}/right`, right);
    const head = { ...this.shape.head, [layer === 'fc6' ? 'fc6Rank' : 'fc7Rank']: rank };
    return RoiHead.fromWeights({ ...this.shape, head }, weights, this.pool);
  }

  dispose(): void {
    tf.dispose([...this.variables.values()]);
  }

  private dense(x: tf.Tensor2D, layer: string): tf.Tensor2D {
    const bias = this.variables.get(`${layer}/bias`) as tf.Variable;
    const kernel = this.variables.get(`${layer}/kernel`);
    if (kernel !== undefined) return tf.add(tf.matMul(x, kernel), bias);
    const left = this.variables.get(`${layer}/left`) as tf.Variable;
    const right = this.variables.get(`${layer}/right`) as tf.Variable;
    return tf.add(tf.matMul(tf.matMul(x, left), right), bias);
  }
}

interface LayerPlan {
  readonly name: string;
  readonly fanIn: number;
  readonly fanOut: number;
  readonly std: number;
}

/** Layers in order with their sizes and initial standard deviations. */
export function layerPlan(shape: HeadShape): LayerPlan[] {
  const { head, inChannels, numClasses } = shape;
  const pooledChannels = head.reduceChannels ?? inChannels;
  const d = head.pooledHeight * head.pooledWidth * pooledChannels;
  const plan: LayerPlan[] = [];
  if (head.reduceChannels !== null) plan.push({ name: 'reduce', fanIn: inChannels, fanOut: head.reduceChannels, std: Math.sqrt(2 / inChannels) });
  plan.push({ name: 'fc6', fanIn: d, fanOut: head.fc6, std: Math.sqrt(2 / d) });
  plan.push({ name: 'fc7', fanIn: head.fc6, fanOut: head.fc7, std: Math.sqrt(2 / head.fc6) });
  plan.push({ name: 'cls_score', fanIn: head.fc7, fanOut: numClasses + 1, std: INIT_STD.clsScore });
  plan.push({ name: 'bbox_pred', fanIn: head.fc7, fanOut: 4 * (numClasses + 1), std: INIT_STD.bboxPred });
  return plan;
}

/** Every weight a head of this shape holds, with its shape (fc6/fc7 factored when the config gives a rank). */
export function expectedWeightShapes(shape: HeadShape): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const rankOf: Record<string, number | null> = { fc6: shape.head.fc6Rank, fc7: shape.head.fc7Rank };
  for (const { name, fanIn, fanOut } of layerPlan(shape)) {
    const rank = rankOf[name] ?? null;
    if (rank === null) shapes.set(`${name}/kernel`, [fanIn, fanOut]);
    else {
      shapes.set(`${name}/left`, [fanIn, rank]);
      shapes.set(`${name}/right`, [rank, fanOut]);
    }
    shapes.set(`${name}/bias`, [fanOut]);
  }
  return shapes;
}

/** Parameters of a head of this shape (what its saved weights cost: 4 bytes each). */
export function headParameterCount(shape: HeadShape): number {
  let count = 0;
  for (const dims of expectedWeightShapes(shape).values()) count += dims.reduce((a, b) => a * b, 1);
  return count;
}
