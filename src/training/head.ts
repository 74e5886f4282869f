/**
 * The trainable RoI head as tf.Variables: an optional 1x1 "reduce" conv + ReLU on the feature map, RoI max
 * pooling, fc6 + ReLU + dropout, fc7 + ReLU + dropout, then cls_score (K+1) and bbox_pred (4(K+1)), with the
 * paper's initialization (§2.3: cls_score N(0, 0.01), bbox_pred N(0, 0.001), biases 0; fc6/fc7 have no
 * pretrained weights here, so He-normal for the ReLU layers).
 *
 * Shapes: features [1, H, W, C] per image (C = 528 at the MobileNetV3 stride-16 tap); pooled [R, PH, PW, C'];
 * flattened in NHWC order (PH, PW, C') to D = PH·PW·C'; logits [R, K+1]; deltas [R, 4(K+1)].
 */
import * as tf from '@tensorflow/tfjs';
import type { HeadConfig } from '../model/defaults';
import { gaussian, type Rng } from './rng';
import { roiPool } from '../kernels/roi_pool/roi_pool';
import { roiPoolJs, type RoiPoolParams } from './roi_pool_js';
import type { TrainableParam } from './sgd';

export interface HeadShape {
  readonly inChannels: number;
  readonly numClasses: number;
  readonly featureStride: number;
  readonly head: HeadConfig;
}

export interface HeadOutputs {
  readonly logits: tf.Tensor2D;
  readonly deltas: tf.Tensor2D;
}

/** One image's contribution to a forward pass: its map and its RoIs in the scaled input's pixels [R, 4]. */
export interface ImageRois {
  readonly features: tf.Tensor4D;
  readonly rois: Float32Array;
}

function normal(shape: number[], std: number, rng: Rng): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => gaussian(rng) * std), shape);
}

export class RoiHead {
  readonly params: TrainableParam[] = [];

  constructor(readonly shape: HeadShape, init: Rng | ReadonlyMap<string, tf.Tensor>) {
    const { head, inChannels, numClasses } = shape;
    const pooledChannels = head.reduceChannels ?? inChannels;
    const d = head.pooledHeight * head.pooledWidth * pooledChannels;
    const layers: [string, number, number, number][] = [];
    if (head.reduceChannels != null) layers.push(['reduce', inChannels, head.reduceChannels, Math.sqrt(2 / inChannels)]);
    layers.push(['fc6', d, head.fc6, Math.sqrt(2 / d)], ['fc7', head.fc6, head.fc7, Math.sqrt(2 / head.fc6)]);
    layers.push(['cls_score', head.fc7, numClasses + 1, 0.01], ['bbox_pred', head.fc7, 4 * (numClasses + 1), 0.001]);
    for (const [name, fanIn, fanOut, std] of layers) {
      if (init instanceof Map && init.has(`${name}_L/kernel`)) {
        this.addFactored(name, init);
        continue;
      }
      const kernel = init instanceof Map ? init.get(`${name}/kernel`) : normal([fanIn, fanOut], std, init as Rng);
      const bias = init instanceof Map ? init.get(`${name}/bias`) : tf.zeros([fanOut]);
      if (!kernel || !bias) throw new Error(`missing weights for ${name}`);
      this.params.push({ name: `${name}/kernel`, variable: tf.variable(kernel.reshape([fanIn, fanOut])), isBias: false });
      this.params.push({ name: `${name}/bias`, variable: tf.variable(bias), isBias: true });
    }
  }

  /** A truncated-SVD layer (model_io.ts): x·L·U + b, loaded for inference or further training. */
  private addFactored(name: string, init: ReadonlyMap<string, tf.Tensor>): void {
    for (const part of ['_L/kernel', '_U/kernel', '_U/bias']) {
      this.params.push({ name: `${name}${part}`, variable: tf.variable(init.get(`${name}${part}`)!), isBias: part.endsWith('bias') });
    }
  }

  private v(name: string): tf.Variable {
    return this.params.find((p) => p.name === name)!.variable;
  }

  private dense(x: tf.Tensor2D, layer: string): tf.Tensor2D {
    if (this.params.some((p) => p.name === `${layer}_L/kernel`)) {
      const low = tf.matMul(x, this.v(`${layer}_L/kernel`));
      return tf.add(tf.matMul(low, this.v(`${layer}_U/kernel`)), this.v(`${layer}_U/bias`)) as tf.Tensor2D;
    }
    return tf.add(tf.matMul(x, this.v(`${layer}/kernel`)), this.v(`${layer}/bias`)) as tf.Tensor2D;
  }

  /** The map RoIs are pooled from: the reduce conv + ReLU (a matMul, so it has gradients on every backend). */
  reduce(features: tf.Tensor4D): tf.Tensor4D {
    if (this.shape.head.reduceChannels == null) return features;
    const [n, h, w, c] = features.shape;
    const flat = tf.reshape(features, [n * h * w, c]) as tf.Tensor2D;
    return tf.reshape(tf.relu(this.dense(flat, 'reduce')), [n, h, w, this.shape.head.reduceChannels]);
  }

  /** Logits and deltas for every RoI of every image, in image order. Dropout only when `training`. */
  forward(images: readonly ImageRois[], training: boolean): HeadOutputs {
    const { head, featureStride } = this.shape;
    const pool = { pooledHeight: head.pooledHeight, pooledWidth: head.pooledWidth, spatialScale: 1 / featureStride };
    const pooled = images.map(({ features, rois }) => poolRois(this.reduce(features), rois, pool));
    const all = pooled.length === 1 ? pooled[0] : tf.concat(pooled, 0);
    let x = tf.reshape(all, [all.shape[0], -1]) as tf.Tensor2D;
    for (const layer of ['fc6', 'fc7']) {
      x = tf.relu(this.dense(x, layer));
      if (training && head.dropoutRate > 0) x = tf.dropout(x, head.dropoutRate) as tf.Tensor2D;
    }
    return { logits: this.dense(x, 'cls_score'), deltas: this.dense(x, 'bbox_pred') };
  }

  dispose(): void {
    for (const p of this.params) p.variable.dispose();
  }
}

/**
 * The project's RoiPool kernel where one is registered for the current backend (webgpu, webgl, cpu); the JS
 * version (same semantics) on the others, i.e. wasm.
 */
function poolRois(map: tf.Tensor4D, rois: Float32Array, p: RoiPoolParams): tf.Tensor4D {
  if (tf.getKernel('RoiPool', tf.getBackend()) == null) return roiPoolJs(map, rois, p);
  const r = rois.length / 4;
  const rows = new Float32Array(r * 5);
  for (let i = 0; i < r; i++) rows.set(rois.subarray(4 * i, 4 * i + 4), 5 * i + 1);
  return roiPool(map, tf.tensor2d(rows, [r, 5]), p.pooledHeight, p.pooledWidth, p.spatialScale);
}
