/**
 * Runs one case of a roi_pool golden file (../shared/golden/README.md) through roiPool on the active backend and
 * compares it. Test support only: used by the Node tests, by `check:golden` on the cpu backend, and loaded into
 * the harness page for webgpu and webgl.
 *
 * The golden layout is torchvision's: features NCHW, output [R, C, PH, PW]; roiPool works in NHWC, so both are
 * transposed here.
 */
import * as tf from '@tensorflow/tfjs';
import { roiPool } from '../roi_pool';

export interface RoiPoolGoldenCase {
  featuresShapeNCHW: [number, number, number, number];
  features: number[];
  rois: number[][];
  pooledHeight: number;
  pooledWidth: number;
  spatialScale: number;
  output: number[];
  outputGradient: number[];
  featuresGradient: number[];
}

export interface RoiPoolGoldenFile {
  cases: RoiPoolGoldenCase[];
}

export interface RoiPoolCaseResult {
  /** [R, C, PH, PW], the golden's order. */
  output: number[];
  /** [N, C, H, W], the golden's order. */
  featuresGradient: number[];
}

/** Forward, then the features gradient for the case's upstream gradient, through tf.grad. */
export async function runRoiPoolGoldenCase(c: RoiPoolGoldenCase): Promise<RoiPoolCaseResult> {
  const [n, ch, h, w] = c.featuresShapeNCHW;
  const r = c.rois.length;
  const [output, featuresGradient] = tf.tidy((): tf.Tensor[] => {
    const features = tf.tensor4d(c.features, [n, ch, h, w]).transpose<tf.Tensor4D>([0, 2, 3, 1]);
    const rois = tf.tensor2d(c.rois.flat(), [r, 5]);
    const dy = tf.tensor4d(c.outputGradient, [r, ch, c.pooledHeight, c.pooledWidth]).transpose<tf.Tensor4D>([0, 2, 3, 1]);
    const pool = (x: tf.Tensor) => roiPool(x as tf.Tensor4D, rois, c.pooledHeight, c.pooledWidth, c.spatialScale);
    const { value, grad } = tf.valueAndGrad(pool)(features, dy);
    return [value.transpose([0, 3, 1, 2]), grad.transpose([0, 3, 1, 2])];
  });
  const result = { output: Array.from(await output.data()), featuresGradient: Array.from(await featuresGradient.data()) };
  tf.dispose([output, featuresGradient]);
  return result;
}

export interface CaseComparison {
  readonly pass: boolean;
  readonly outputMaxError: number;
  readonly gradientMaxError: number;
}

function maxAbsDifference(actual: number[], expected: number[]): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i += 1) {
    const d = Math.abs(actual[i] - expected[i]);
    worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  }
  return worst;
}

export function compareRoiPoolCase(c: RoiPoolGoldenCase, result: RoiPoolCaseResult, tolerance = 1e-5): CaseComparison {
  const outputMaxError = maxAbsDifference(result.output, c.output);
  const gradientMaxError = maxAbsDifference(result.featuresGradient, c.featuresGradient);
  return { pass: outputMaxError <= tolerance && gradientMaxError <= tolerance, outputMaxError, gradientMaxError };
}
