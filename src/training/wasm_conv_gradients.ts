/**
 * Conv gradients for the wasm backend, built from kernels it has. tfjs 4.22's wasm backend has no
 * Conv2DBackpropFilter and no DepthwiseConv2dNativeBackpropInput/Filter, so the last MobileNetV3 blocks (1x1
 * expand/project convs, a depthwise conv, squeeze-excite) cannot learn there through tfjs's own gradients. These
 * replace the Conv2D and DepthwiseConv2dNative gradients for the shapes those blocks use:
 * - Conv2D, 1x1, stride 1: dW = xᵀ·dy as one matMul; dx through Conv2DBackpropInput (wasm has it).
 * - DepthwiseConv2dNative, channel multiplier 1, stride 1, odd k x k, 'same': dx is the depthwise conv of dy with
 *   the filter turned 180° (SAME pads (k-1)/2 on each side, so the transpose is again a SAME conv); dW[i, j, c] is
 *   the sum over pixels of the padded input shifted by (i, j) times dy: k² slices, each a multiply and a sum.
 * Anything else throws with the shape, so a wider trainable suffix fails loudly instead of training wrongly.
 * Registered only in the training worker (the graph interpreter runs fused convs unfused under a tape, so
 * these are the gradients that run). Checked against tfjs's own gradients on the cpu backend in the unit test.
 */
import * as tf from '@tensorflow/tfjs';

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
  dilations?: number | [number, number];
  dataFormat?: string;
}

const pair = (v: number | [number, number] | undefined): [number, number] => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v);
const isOne = (v: number | [number, number] | undefined) => pair(v).every((s) => s === 1);

function checkLayout(kind: string, attrs: ConvAttrs): void {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') throw new Error(`${kind} gradient on wasm: data format ${attrs.dataFormat} (only NHWC)`);
  if (!isOne(attrs.strides) || !isOne(attrs.dilations)) {
    throw new Error(`${kind} gradient on wasm: strides ${pair(attrs.strides)} / dilations ${pair(attrs.dilations)} (only 1; train blocks after the last stride-2 conv, or use webgl/cpu)`);
  }
  if (typeof attrs.pad === 'number') throw new Error(`${kind} gradient on wasm: explicit padding ${attrs.pad} (only 'same' / 'valid' 1x1)`);
}

/** dW of a 1x1 stride-1 conv: [Cin, Cout] = xᵀ·dy over every pixel of the batch. */
function pointwiseFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[]): tf.Tensor {
  const cin = x.shape[3];
  const cout = dy.shape[3];
  const xs = tf.transpose(tf.reshape(x, [-1, cin])); // explicit transpose: wasm's transposed matMul is ~8x slower
  return tf.reshape(tf.matMul(xs, tf.reshape(dy, [-1, cout])), filterShape);
}

/** dW of a stride-1 'same' depthwise conv with an odd k x k filter and channel multiplier 1. */
function depthwiseFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number): tf.Tensor {
  const [n, h, w, c] = x.shape;
  const ph = (kh - 1) / 2;
  const pw = (kw - 1) / 2;
  const padded = tf.pad(x, [[0, 0], [ph, ph], [pw, pw], [0, 0]]);
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) taps.push(tf.sum(tf.mul(tf.slice(padded, [0, i, j, 0], [n, h, w, c]), dy), [0, 1, 2]));
  }
  return tf.reshape(tf.stack(taps), [kh, kw, c, 1]);
}

let installed = false;

/** Registers the two gradients (once per page/worker; they replace tfjs's for every backend of that realm). */
export function installWasmConvGradients(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as ConvAttrs;
      checkLayout('Conv2D', a);
      const [kh, kw] = filter.shape;
      if (kh !== 1 || kw !== 1) throw new Error(`Conv2D gradient on wasm: ${kh}x${kw} filter (only 1x1)`);
      const d = dy as tf.Tensor4D;
      return {
        x: () => tf.conv2dTranspose(d, filter, x.shape, 1, 'same'),
        filter: () => pointwiseFilterGradient(x, d, filter.shape),
      };
    },
  });
  tf.registerGradient({
    kernelName: 'DepthwiseConv2dNative',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as ConvAttrs;
      checkLayout('DepthwiseConv2dNative', a);
      const [kh, kw, , multiplier] = filter.shape;
      if (multiplier !== 1 || kh % 2 === 0 || kw % 2 === 0 || (a.pad !== 'same' && kh * kw !== 1)) {
        throw new Error(`DepthwiseConv2dNative gradient on wasm: filter ${filter.shape} with padding ${a.pad} (only odd k x k, 'same', multiplier 1)`);
      }
      const d = dy as tf.Tensor4D;
      return {
        x: () => tf.depthwiseConv2d(d, tf.reverse(filter, [0, 1]) as tf.Tensor4D, 1, 'same'),
        filter: () => depthwiseFilterGradient(x, d, kh, kw),
      };
    },
  });
}
