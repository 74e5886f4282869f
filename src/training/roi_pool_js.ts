/**
 * RoI max pooling on a read-back NHWC feature map, with Caffe's semantics (reference §1: C-style rounding of the
 * scaled corners, +1 inclusive size, f32 floor/ceil bin edges shifted and clamped to the map, 0 and argmax -1 for
 * an empty bin, first maximum wins), and its gradient as a scatter through the argmax.
 *
 * Why a JS version inside training: the trainable head runs on whichever backend is fastest (wasm on a CPU-only
 * machine), where no RoiPool kernel is registered; the map after the frozen prefix is small (H·W·C ≈ 250k), so a
 * read-back costs little next to the fc layers. On backends where src/kernels registers 'RoiPool', that op is used
 * instead (see head.ts).
 *
 * Shapes: x [H, W, C] of one image; rois [R, 4] (x1, y1, x2, y2) in input-image pixels; y [R, PH, PW, C].
 */
import * as tf from '@tensorflow/tfjs';

export interface RoiPoolParams {
  readonly pooledHeight: number;
  readonly pooledWidth: number;
  readonly spatialScale: number;
}

/** Round half away from zero, as C's round() (Math.round rounds -2.5 to -2). */
function cRound(v: number): number {
  return v >= 0 ? Math.floor(v + 0.5) : -Math.floor(-v + 0.5);
}

export function roiPoolForward(
  x: Float32Array, height: number, width: number, channels: number, rois: ArrayLike<number>, p: RoiPoolParams,
): { y: Float32Array; argmax: Int32Array } {
  const r = rois.length / 4;
  const { pooledHeight: ph, pooledWidth: pw } = p;
  const s = Math.fround(p.spatialScale);
  const y = new Float32Array(r * ph * pw * channels);
  const argmax = new Int32Array(y.length).fill(-1);
  for (let i = 0; i < r; i++) {
    const xs = cRound(Math.fround(rois[4 * i] * s));
    const ys = cRound(Math.fround(rois[4 * i + 1] * s));
    const xe = cRound(Math.fround(rois[4 * i + 2] * s));
    const ye = cRound(Math.fround(rois[4 * i + 3] * s));
    const binH = Math.fround(Math.max(ye - ys + 1, 1) / ph);
    const binW = Math.fround(Math.max(xe - xs + 1, 1) / pw);
    for (let by = 0; by < ph; by++) {
      const h0 = clamp(Math.floor(Math.fround(by * binH)) + ys, height);
      const h1 = clamp(Math.ceil(Math.fround((by + 1) * binH)) + ys, height);
      for (let bx = 0; bx < pw; bx++) {
        const w0 = clamp(Math.floor(Math.fround(bx * binW)) + xs, width);
        const w1 = clamp(Math.ceil(Math.fround((bx + 1) * binW)) + xs, width);
        const out = ((i * ph + by) * pw + bx) * channels;
        if (h1 <= h0 || w1 <= w0) continue; // empty bin: 0, argmax -1
        y.fill(-Infinity, out, out + channels);
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const cell = (h * width + w) * channels;
            for (let c = 0; c < channels; c++) {
              const v = x[cell + c];
              if (v > y[out + c]) {
                y[out + c] = v;
                argmax[out + c] = cell + c;
              }
            }
          }
        }
      }
    }
  }
  return { y, argmax };
}

function clamp(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v;
}

/** dx[argmax[k]] += dy[k] for every pooled element with a valid argmax. */
export function roiPoolBackward(dy: ArrayLike<number>, argmax: Int32Array, xSize: number): Float32Array {
  const dx = new Float32Array(xSize);
  for (let k = 0; k < argmax.length; k++) if (argmax[k] >= 0) dx[argmax[k]] += dy[k];
  return dx;
}

/** Differentiable RoI pooling of one image's map x [1, H, W, C] (read back synchronously; cheap on cpu/wasm). */
export function roiPoolJs(x: tf.Tensor4D, rois: Float32Array, p: RoiPoolParams): tf.Tensor4D {
  const [, height, width, channels] = x.shape;
  const r = rois.length / 4;
  const pool = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    const { y, argmax } = roiPoolForward(input.dataSync() as Float32Array, height, width, channels, rois, p);
    return {
      value: tf.tensor4d(y, [r, p.pooledHeight, p.pooledWidth, channels]),
      gradFunc: (dy: tf.Tensor) => tf.tensor4d(roiPoolBackward(dy.dataSync(), argmax, input.size), [1, height, width, channels]),
    };
  });
  return pool(x) as tf.Tensor4D;
}
