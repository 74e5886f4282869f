/**
 * The Region Proposal Network's head (Ren et al. 2015, §3.1; py-faster-rcnn's rpn_conv/3x3, rpn_cls_score,
 * rpn_bbox_pred): a 3x3 conv + ReLU on the shared stride-16 map, then two sibling 1x1 convs, objectness (one
 * logit per anchor) and box deltas (4 per anchor, the R-CNN parameterization of geometry/bbox_transform.ts).
 *
 * Objectness is one logit per anchor with a sigmoid (as torchvision and Detectron do), not py-faster-rcnn's two
 * softmax scores: the same model (softmax over {bg, fg} is a sigmoid of the difference of the two logits), half
 * the output channels, and the proposal layer ranks the raw logits without normalizing anything.
 *
 * The 3x3 conv is im2col + matMul when training: tfjs's wasm backend (the training worker's default) has no
 * Conv2DBackpropFilter, and matMul's gradients it has, as for the RoI head's 1x1 reduce conv (heads.ts). Its
 * kernel [9C, M] is in (ky, kx, c) row order, which is tf.conv2d's filter [3, 3, C, M] reshaped, so inference
 * runs the backend's own conv on the same weights.
 *
 * Shape letters: N images, H x W feature map, C its channels, M the 3x3 conv's channels, A anchors per cell.
 * Outputs follow proposals/rpn/anchors.ts's order: anchor (y·W + x)·A + a.
 * Weights: tf.Variables `<layer>/kernel` [in, out] and `<layer>/bias` [out]; initialized N(0, 0.01), biases 0
 * (py-faster-rcnn's rpn layers).
 */
import * as tf from '@tensorflow/tfjs';
import { variablesFromWeights } from './weight_variables';

/**
 * The RPN's weight names beside the RoI head's and the backbone's (a saved model, checkpoints, the optimizer):
 * 'rpn/<layer>/<kernel|bias>'.
 */
export const RPN_WEIGHT_PREFIX = 'rpn/';

export const isRpnWeightName = (name: string): boolean => name.startsWith(RPN_WEIGHT_PREFIX);

export interface RpnHeadShape {
  /** C: channels of the feature map the RPN reads. */
  readonly inChannels: number;
  /** M: channels of the 3x3 conv (py-faster-rcnn: 256 for ZF, 512 for VGG16). */
  readonly convChannels: number;
  /** A: anchors per cell (ratios × scales). */
  readonly anchorsPerCell: number;
}

// a type, not an interface, so that tf.tidy accepts it as a TensorContainer
export type RpnOutputs = {
  /** [N, H·W·A] objectness logits (sigmoid → probability that the anchor is an object). */
  readonly objectness: tf.Tensor2D;
  /** [N, H·W·A, 4] deltas (dx, dy, dw, dh) per anchor. */
  readonly deltas: tf.Tensor3D;
};

export const RPN_INIT_STD = 0.01;

export class RpnHead {
  private constructor(
    readonly shape: RpnHeadShape,
    private readonly variables: Map<string, tf.Variable>,
  ) {}

  /** A freshly initialized head; `seed` makes the initial weights reproducible. */
  static create(shape: RpnHeadShape, seed = 11): RpnHead {
    const variables = new Map<string, tf.Variable>();
    let layerSeed = seed;
    for (const [name, dims] of rpnWeightShapes(shape)) {
      const seedOf = layerSeed++;
      // in a tidy: the initial value is a tensor of its own, which tf.variable does not take over
      variables.set(name, tf.tidy(() => tf.variable(name.endsWith('/bias') ? tf.zeros(dims) : tf.randomNormal(dims, 0, RPN_INIT_STD, 'float32', seedOf))));
    }
    return new RpnHead(shape, variables);
  }

  /** A head holding the given weights (copied); the names and shapes must be exactly those of `shape`. */
  static fromWeights(shape: RpnHeadShape, weights: ReadonlyMap<string, tf.Tensor>): RpnHead {
    const variables = variablesFromWeights('RPN', rpnWeightShapes(shape), weights);
    return new RpnHead(shape, variables);
  }

  /**
   * Objectness logits and deltas for features [N, H, W, C]. `training`: the 3x3 conv as im2col + matMul, which
   * every backend can differentiate; otherwise the backend's conv2d (same numbers, less memory).
   */
  forward(features: tf.Tensor4D, options: { readonly training: boolean }): RpnOutputs {
    const [n, h, w, c] = features.shape;
    if (c !== this.shape.inChannels) throw new Error(`RPN head: features have ${c} channels, the head reads ${this.shape.inChannels}`);
    const { convChannels: m, anchorsPerCell: a } = this.shape;
    return tf.tidy(() => {
      const kernel = this.variable('rpn_conv/kernel');
      const conv = options.training
        ? tf.matMul(im2col3x3(features), kernel)
        : tf.reshape(tf.conv2d(features, tf.reshape(kernel, [3, 3, c, m]) as tf.Tensor4D, 1, 'same'), [n * h * w, m]);
      const hidden = tf.relu(tf.add(conv, this.variable('rpn_conv/bias'))) as tf.Tensor2D;
      const logits = tf.add(tf.matMul(hidden, this.variable('rpn_cls_score/kernel')), this.variable('rpn_cls_score/bias'));
      const deltas = tf.add(tf.matMul(hidden, this.variable('rpn_bbox_pred/kernel')), this.variable('rpn_bbox_pred/bias'));
      return {
        objectness: tf.reshape(logits, [n, h * w * a]) as tf.Tensor2D,
        deltas: tf.reshape(deltas, [n, h * w * a, 4]) as tf.Tensor3D,
      };
    });
  }

  /** All weights by name (the variables themselves, not copies). */
  weights(): ReadonlyMap<string, tf.Variable> {
    return this.variables;
  }

  /** The weights for an optimizer: name, variable, and whether it is a bias (Caffe: lr x2, no decay). */
  parameters(): { readonly name: string; readonly variable: tf.Variable; readonly isBias: boolean }[] {
    return [...this.variables].map(([name, variable]) => ({ name, variable, isBias: name.endsWith('/bias') }));
  }

  /** parameters() under their RPN_WEIGHT_PREFIX names: what the trainer optimizes and checkpoints beside the head. */
  prefixedParameters(): { readonly name: string; readonly variable: tf.Variable; readonly isBias: boolean }[] {
    return this.parameters().map((p) => ({ ...p, name: `${RPN_WEIGHT_PREFIX}${p.name}` }));
  }

  /** weights() under their RPN_WEIGHT_PREFIX names, as a saved model stores them (model/weights_io.ts). */
  prefixedWeights(): { readonly name: string; readonly tensor: tf.Tensor }[] {
    return [...this.variables].map(([name, tensor]) => ({ name: `${RPN_WEIGHT_PREFIX}${name}`, tensor }));
  }

  dispose(): void {
    tf.dispose([...this.variables.values()]);
  }

  private variable(name: string): tf.Variable {
    return this.variables.get(name) as tf.Variable;
  }
}

/** Every weight of an RPN head of this shape, with its shape. */
export function rpnWeightShapes(shape: RpnHeadShape): Map<string, number[]> {
  const { inChannels: c, convChannels: m, anchorsPerCell: a } = shape;
  for (const [what, v] of Object.entries(shape)) {
    if (!(Number.isInteger(v) && v > 0)) throw new Error(`RPN head: ${what} must be a positive whole number, got ${v}`);
  }
  return new Map([
    ['rpn_conv/kernel', [9 * c, m]],
    ['rpn_conv/bias', [m]],
    ['rpn_cls_score/kernel', [m, a]],
    ['rpn_cls_score/bias', [a]],
    ['rpn_bbox_pred/kernel', [m, 4 * a]],
    ['rpn_bbox_pred/bias', [4 * a]],
  ]);
}

/**
 * The 3x3 neighbourhoods of every cell of [N, H, W, C], zero-padded by one ('same'), as rows [N·H·W, 9C] in
 * (ky, kx, c) order: pad, nine shifted slices, concat. Pad, slice and concat have gradients on every backend.
 */
export function im2col3x3(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => {
    const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    const taps: tf.Tensor4D[] = [];
    for (let ky = 0; ky < 3; ky++) {
      for (let kx = 0; kx < 3; kx++) taps.push(tf.slice(padded, [0, ky, kx, 0], [n, h, w, c]));
    }
    return tf.reshape(tf.concat(taps, 3), [n * h * w, 9 * c]) as tf.Tensor2D;
  });
}
