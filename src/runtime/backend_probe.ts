/**
 * The timed probe that compares backends where the facts do not settle it (backend_decision.ts). Its workload is
 * shaped like one detection, shrunk: a MobileNetV3-like stem and three inverted-residual blocks (1x1 expand,
 * 3x3 depthwise, 1x1 project; the backbone's op mix) on a 96x96 image, then fc6/fc7 on 8 pooled RoIs
 * (7 x 7 x 128 -> 256 -> 256, the head's shape). About 50 MFLOP. Measured in headless Chromium on the 2-core CI
 * machine (busy): wasm 2 threads ~20-40 ms a run; the plain-JS cpu backend ~5x that, SwiftShader WebGL ~7x,
 * SwiftShader WebGPU ~25x with a 15 s warm-up (which is why software renderers are never probed by default).
 */
import * as tf from '@tensorflow/tfjs';

/** Probe tensors of one backend. */
interface ProbeWeights {
  readonly input: tf.Tensor4D;
  readonly convs: readonly { filter: tf.Tensor4D; bias: tf.Tensor1D; stride: 1 | 2; depthwise: boolean }[];
  readonly fc: readonly { weights: tf.Tensor2D; bias: tf.Tensor1D }[];
}

const INPUT_SIDE = 96;
const ROIS = 8;
const POOLED = 7;
/** [kind, input channels, output channels (depthwise: the multiplier's result = input), stride] */
const LAYERS: readonly (readonly ['conv' | 'dw', number, number, 1 | 2])[] = [
  ['conv', 3, 16, 2], // stem 3x3: 48x48x16
  ['conv', 16, 64, 1], ['dw', 64, 64, 2], ['conv', 64, 24, 1], // 24x24x24
  ['conv', 24, 96, 1], ['dw', 96, 96, 2], ['conv', 96, 40, 1], // 12x12x40
  ['conv', 40, 240, 1], ['dw', 240, 240, 1], ['conv', 240, 128, 1], // 12x12x128, the reduced tap
];
const FC_UNITS = 256;

/** Constant weights (1 / fan-in keeps activations near the input's scale): random ones cost 0.1-0.4 s to draw in JS. */
function makeWeights(): ProbeWeights {
  return tf.tidy(() => {
    const filled = (shape: number[], fanIn: number) => tf.fill(shape, 1 / fanIn, 'float32');
    const convs = LAYERS.map(([kind, cin, cout, stride], i) => {
      const size = kind === 'dw' || i === 0 ? 3 : 1;
      const filter = (kind === 'dw' ? filled([3, 3, cin, 1], 9) : filled([size, size, cin, cout], size * size * cin)) as tf.Tensor4D;
      return { filter, bias: tf.zeros([cout]) as tf.Tensor1D, stride, depthwise: kind === 'dw' };
    });
    const flat = POOLED * POOLED * 128;
    const fc = [flat, FC_UNITS].map((fanIn) => ({ weights: filled([fanIn, FC_UNITS], fanIn) as tf.Tensor2D, bias: tf.zeros([FC_UNITS]) as tf.Tensor1D }));
    const input = tf.fill([1, INPUT_SIDE, INPUT_SIDE, 3], 128, 'float32') as tf.Tensor4D;
    return { input, convs, fc };
  });
}

function forward(w: ProbeWeights): tf.Scalar {
  return tf.tidy(() => {
    let x: tf.Tensor4D = w.input;
    for (const { filter, bias, stride, depthwise } of w.convs) {
      x = depthwise
        ? tf.fused.depthwiseConv2d({ x, filter, strides: stride, pad: 'same', bias, activation: 'relu' })
        : tf.fused.conv2d({ x, filter, strides: stride, pad: 'same', bias, activation: 'relu' });
    }
    // RoI-shaped rows: 7x7 windows of the tap, repeated to ROIS rows (the pooling itself is a custom kernel, not probed)
    const window = x.slice([0, 0, 0, 0], [1, POOLED, POOLED, 128]).reshape([1, POOLED * POOLED * 128]);
    let h = window.tile([ROIS, 1]) as tf.Tensor2D;
    for (const { weights, bias } of w.fc) h = tf.fused.matMul({ a: h, b: weights, bias, activation: 'relu' }) as tf.Tensor2D;
    return h.mean();
  });
}

export interface ProbeRun {
  /** Median of the timed runs, ms. */
  readonly ms: number;
  /** The first run (compilation, weight upload), ms; not part of `ms`. */
  readonly warmupMs: number;
  readonly runs: number;
}

/**
 * Times the workload on the active backend: one warm-up run, then timed runs (each ends when its result is read
 * back, so a GPU's queue is included) until `maxRuns` or until `budgetMs` of timed runs is spent (at least one).
 */
export async function timeProbeWorkload(budgetMs = 150, maxRuns = 3): Promise<ProbeRun> {
  const weights = makeWeights();
  try {
    const once = async (): Promise<number> => {
      const start = performance.now();
      const out = forward(weights);
      try {
        await out.data();
      } finally {
        out.dispose();
      }
      return performance.now() - start;
    };
    const warmupMs = await once();
    const times: number[] = [];
    const started = performance.now();
    do times.push(await once());
    while (times.length < maxRuns && performance.now() - started < budgetMs);
    times.sort((a, b) => a - b);
    return { ms: times[Math.floor(times.length / 2)], warmupMs, runs: times.length };
  } finally {
    tf.dispose([weights.input, ...weights.convs.flatMap((c) => [c.filter, c.bias]), ...weights.fc.flatMap((f) => [f.weights, f.bias])]);
  }
}
