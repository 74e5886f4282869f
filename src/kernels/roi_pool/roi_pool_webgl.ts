/**
 * RoI pooling kernels for tfjs-backend-webgl (WebGL 2), the fallback for browsers without WebGPU. The same three
 * steps as the WGSL kernels (see shaders/roi_pool_*.wgsl for the arithmetic), in GLSL ES 3.00:
 * - bins   [R, PH+PW, 2]: bin edges per RoI (int32, stored in float textures: exact below 2^24)
 * - pool   [R, PH, PW, C]: max per bin, or its plane-local position h * W + w (argmax) for the backward
 * - gather [N, H, W, C]: WebGL cannot scatter, so each dx cell loops over the RoIs of its image and the bins that
 *   contain it, adding dy where the argmax is that cell, in output order (r, ph, pw): the CPU reference's sums.
 * tfjs-webgl bakes shapes into the shader and keys its program cache by source, so each new R compiles anew.
 */
import { env, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import {
  RoiPool,
  RoiPoolGrad,
  type KernelArgs,
  type RoiPoolAttrs,
  type RoiPoolGradInputs,
  type RoiPoolInputs,
} from './kernel_names';

// -FLT_MAX, the reference's initial maximum, spelled as bits so no literal rounding is involved.
const NEG_FLT_MAX = 'uintBitsToFloat(0xff7fffffu)';

const BIN_ARITHMETIC = `
  // C round(): halves away from zero (GLSL round() may round half to even).
  float roiRoundHalfAwayFromZero(float v) {
    float a = abs(v);
    float f = floor(a);
    float r = a >= f + 0.5 ? f + 1.0 : f;
    return v < 0.0 ? -r : r;
  }

  // float(a) / float(b) correctly rounded for integers 1 <= a, b < 2^24: long division, as in roi_pool_bins.wgsl.
  float roiDivideCorrectlyRounded(uint a, uint b) {
    uint q = a / b;
    uint rem = a % b;
    int shift = 0;
    for (int i = 0; i < 64; i++) {
      if (q >= 0x1000000u) break;
      rem <<= 1u;
      q <<= 1u;
      if (rem >= b) {
        q |= 1u;
        rem -= b;
      }
      shift++;
    }
    uint mantissa = q >> 1u;
    if ((q & 1u) == 1u && (rem != 0u || (mantissa & 1u) == 1u)) mantissa++;
    int exponent = 151 - shift;
    if (mantissa == 0x1000000u) {
      mantissa = 0x800000u;
      exponent++;
    }
    return uintBitsToFloat((uint(exponent) << 23u) | (mantissa & 0x7fffffu));
  }
`;

class RoiPoolBinsProgram implements GPGPUProgram {
  readonly variableNames = ['rois'];
  readonly customUniforms = [{ name: 'spatialScale', type: 'float' as const }];
  readonly outputShape: number[];
  readonly userCode: string;

  constructor(numRois: number, [n, h, w]: number[], { pooledHeight, pooledWidth }: RoiPoolAttrs) {
    this.outputShape = [numRois, pooledHeight + pooledWidth, 2];
    this.userCode = `
      ${BIN_ARITHMETIC}
      void main() {
        ivec3 coords = getOutputCoords();
        int r = coords.x;
        int j = coords.y;
        int batch = int(getRois(r, 0));
        if (batch < 0 || batch >= ${n}) {
          setOutput(0.0);
          return;
        }
        bool isRow = j < ${pooledHeight};
        int p = isRow ? j : j - ${pooledHeight};
        int pooled = isRow ? ${pooledHeight} : ${pooledWidth};
        int limit = isRow ? ${h} : ${w};
        int first = int(roiRoundHalfAwayFromZero(getRois(r, isRow ? 2 : 1) * spatialScale));
        int last = int(roiRoundHalfAwayFromZero(getRois(r, isRow ? 4 : 3) * spatialScale));
        float bin = roiDivideCorrectlyRounded(uint(max(last - first + 1, 1)), uint(pooled));
        int edge = coords.z == 1 ? int(ceil(float(p + 1) * bin)) : int(floor(float(p) * bin));
        setOutput(float(clamp(edge + first, 0, limit)));
      }
    `;
  }
}

class RoiPoolMaxProgram implements GPGPUProgram {
  readonly variableNames = ['x', 'bins', 'rois'];
  readonly outputShape: number[];
  readonly userCode: string;

  constructor(outputShape: number[], [, , mapWidth]: number[], writes: 'value' | 'argmax') {
    const pooledHeight = outputShape[1];
    this.outputShape = outputShape;
    this.userCode = `
      void main() {
        ivec4 coords = getOutputCoords();
        int r = coords.x;
        int c = coords.w;
        int hStart = int(getBins(r, coords.y, 0));
        int hEnd = int(getBins(r, coords.y, 1));
        int wStart = int(getBins(r, ${pooledHeight} + coords.z, 0));
        int wEnd = int(getBins(r, ${pooledHeight} + coords.z, 1));
        int batch = int(getRois(r, 0));
        float best = (hEnd <= hStart || wEnd <= wStart) ? 0.0 : ${NEG_FLT_MAX};
        int bestAt = -1;
        for (int h = hStart; h < hEnd; h++) {
          for (int w = wStart; w < wEnd; w++) {
            float v = getX(batch, h, w, c);
            if (v > best) {
              best = v;
              bestAt = h * ${mapWidth} + w;
            }
          }
        }
        setOutput(${writes === 'value' ? 'best' : 'float(bestAt)'});
      }
    `;
  }
}

class RoiPoolGatherProgram implements GPGPUProgram {
  readonly variableNames = ['dy', 'argmax', 'bins', 'rois'];
  readonly outputShape: number[];
  readonly userCode: string;

  constructor(featuresShape: number[], [numRois, pooledHeight, pooledWidth]: number[]) {
    const mapWidth = featuresShape[2];
    this.outputShape = featuresShape;
    this.userCode = `
      void main() {
        ivec4 coords = getOutputCoords();
        int n = coords.x;
        int h = coords.y;
        int w = coords.z;
        int c = coords.w;
        int cell = h * ${mapWidth} + w;
        float sum = 0.0;
        for (int r = 0; r < ${numRois}; r++) {
          if (int(getRois(r, 0)) != n ||
              int(getBins(r, 0, 0)) > h || int(getBins(r, ${pooledHeight - 1}, 1)) <= h ||
              int(getBins(r, ${pooledHeight}, 0)) > w || int(getBins(r, ${pooledHeight + pooledWidth - 1}, 1)) <= w) {
            continue;
          }
          for (int ph = 0; ph < ${pooledHeight}; ph++) {
            if (h < int(getBins(r, ph, 0)) || h >= int(getBins(r, ph, 1))) continue;
            for (int pw = 0; pw < ${pooledWidth}; pw++) {
              if (w < int(getBins(r, ${pooledHeight} + pw, 0)) || w >= int(getBins(r, ${pooledHeight} + pw, 1))) continue;
              if (int(getArgmax(r, ph, pw, c)) == cell) sum += getDy(r, ph, pw, c);
            }
          }
        }
        setOutput(sum);
      }
    `;
  }
}

function assertWebGL2(): void {
  if (env().getNumber('WEBGL_VERSION') !== 2) {
    throw new Error('roiPool on the webgl backend needs WebGL 2 (integer and bit operations in GLSL ES 3.00).');
  }
}

function zeros(backend: MathBackendWebGL, shape: number[]): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, b) => a * b, 1)));
}

function runBins(backend: MathBackendWebGL, rois: TensorInfo, featuresShape: number[], attrs: RoiPoolAttrs): TensorInfo {
  const program = new RoiPoolBinsProgram(rois.shape[0], featuresShape, attrs);
  return backend.runWebGLProgram(program, [rois], 'int32', [[attrs.spatialScale]]);
}

function roiPoolWebGL({ inputs, backend, attrs }: KernelArgs<RoiPoolInputs, MathBackendWebGL>): TensorInfo {
  assertWebGL2();
  const { features, rois } = inputs;
  const outputShape = [rois.shape[0], attrs.pooledHeight, attrs.pooledWidth, features.shape[3]];
  if (outputShape.includes(0)) return zeros(backend, outputShape);
  const bins = runBins(backend, rois, features.shape, attrs);
  const y = backend.runWebGLProgram(new RoiPoolMaxProgram(outputShape, features.shape, 'value'), [features, bins, rois], 'float32');
  backend.disposeIntermediateTensorInfo(bins);
  return y;
}

function roiPoolGradWebGL({ inputs, backend, attrs }: KernelArgs<RoiPoolGradInputs, MathBackendWebGL>): TensorInfo {
  assertWebGL2();
  const { dy, features, rois } = inputs;
  if (rois.shape[0] === 0) return zeros(backend, features.shape);
  const bins = runBins(backend, rois, features.shape, attrs);
  const argmax = backend.runWebGLProgram(new RoiPoolMaxProgram(dy.shape, features.shape, 'argmax'), [features, bins, rois], 'int32');
  const dx = backend.runWebGLProgram(new RoiPoolGatherProgram(features.shape, dy.shape), [dy, argmax, bins, rois], 'float32');
  backend.disposeIntermediateTensorInfo(argmax);
  backend.disposeIntermediateTensorInfo(bins);
  return dx;
}

export const roiPoolWebGLConfigs: KernelConfig[] = [
  { kernelName: RoiPool, backendName: 'webgl', kernelFunc: roiPoolWebGL as unknown as KernelFunc },
  { kernelName: RoiPoolGrad, backendName: 'webgl', kernelFunc: roiPoolGradWebGL as unknown as KernelFunc },
];
