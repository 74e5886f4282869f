/**
 * RoI pooling kernels for tfjs-backend-webgpu: three WGSL programs (shaders/roi_pool_*.wgsl) and the kernel
 * functions that chain them.
 *
 * Shape letters: N images, H x W feature map, C channels (NHWC), R RoIs, PH x PW pooled bins.
 * - forward:  bins [R, PH+PW, 2] -> y [R, PH, PW, C]
 * - backward: bins -> argmax [R, PH, PW, C] -> dx [N, H, W, C] (deterministic, see roi_pool_backward.wgsl)
 * Each program is a class (its name labels the pipeline), built anew per call because runWebGPUProgram writes its
 * shaderKey. No constant is baked into the WGSL except the writeResult variant, which is in the shaderKey.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import binsSource from '../../../shaders/roi_pool_bins.wgsl?raw';
import forwardSource from '../../../shaders/roi_pool_forward.wgsl?raw';
import backwardSource from '../../../shaders/roi_pool_backward.wgsl?raw';
import {
  RoiPool,
  RoiPoolGrad,
  type KernelArgs,
  type RoiPoolAttrs,
  type RoiPoolGradInputs,
  type RoiPoolInputs,
} from './kernel_names';

type WorkgroupSize = [number, number, number];
const WORKGROUP: WorkgroupSize = [64, 1, 1];

function flatDispatch(threads: number): Pick<WebGPUProgram, 'dispatchLayout' | 'dispatch'> {
  const dispatchLayout = webgpu_util.flatDispatchLayout([threads]);
  // Over 65,535 workgroups, runWebGPUProgram folds a flat x dispatch into y and z; every shader guards its index.
  return { dispatchLayout, dispatch: webgpu_util.computeDispatch(dispatchLayout, [threads], WORKGROUP) };
}

/** Bin edges per RoI: shaders/roi_pool_bins.wgsl. */
export class RoiPoolBinsProgram implements WebGPUProgram {
  readonly variableNames = ['rois'];
  readonly uniforms = 'spatialScale : f32, pooledHeight : i32, batchCount : i32, mapHeight : i32, mapWidth : i32,';
  readonly workgroupSize = WORKGROUP;
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: WebGPUProgram['dispatchLayout'];
  readonly dispatch: WebGPUProgram['dispatch'];
  shaderKey = 'frcnn_roiPool_bins';

  constructor(numRois: number, pooledHeight: number, pooledWidth: number) {
    this.outputShape = [numRois, pooledHeight + pooledWidth, 2];
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(numRois * (pooledHeight + pooledWidth) * 2));
  }

  getUserCode(): string {
    return binsSource;
  }
}

/** Max per bin, writing the value (forward) or its plane-local position (argmax, for the backward). */
export class RoiPoolForwardProgram implements WebGPUProgram {
  readonly variableNames = ['x', 'rois', 'bins'];
  readonly workgroupSize = WORKGROUP;
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: WebGPUProgram['dispatchLayout'];
  readonly dispatch: WebGPUProgram['dispatch'];
  shaderKey: string;

  constructor(
    outputShape: number[],
    private readonly writes: 'value' | 'argmax',
  ) {
    this.outputShape = outputShape;
    this.shaderKey = `frcnn_roiPool_forward_${writes}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(outputShape.reduce((a, b) => a * b, 1)));
  }

  getUserCode(): string {
    const store = this.writes === 'value' ? 'setOutputAtIndex(index, value);' : 'setOutputAtIndexI32(index, position);';
    return `${forwardSource}\nfn writeResult(index : i32, value : f32, position : i32) { ${store} }\n`;
  }
}

/** dx from dy and the argmax switches, one thread per (image, tile x tile block, channel). */
export class RoiPoolBackwardProgram implements WebGPUProgram {
  readonly variableNames = ['dy', 'argmax', 'rois', 'bins'];
  readonly uniforms = 'tileSize : i32, tilesY : i32, tilesX : i32, numThreads : i32,';
  readonly workgroupSize = WORKGROUP;
  readonly outputShape: number[];
  readonly dispatchLayout: WebGPUProgram['dispatchLayout'];
  readonly dispatch: WebGPUProgram['dispatch'];
  readonly tiling: BackwardTiling;
  shaderKey = 'frcnn_roiPool_backward';

  constructor(featuresShape: number[], tileSize = chooseTileSize(featuresShape)) {
    this.outputShape = featuresShape;
    this.tiling = backwardTiling(featuresShape, tileSize);
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.tiling.numThreads));
  }

  getUserCode(): string {
    return backwardSource;
  }

  uniformData(): Array<{ type: string; data: number[] }> {
    const { tileSize, tilesY, tilesX, numThreads } = this.tiling;
    return [tileSize, tilesY, tilesX, numThreads].map((v) => ({ type: 'int32', data: [v] }));
  }
}

export interface BackwardTiling {
  readonly tileSize: number;
  readonly tilesY: number;
  readonly tilesX: number;
  readonly numThreads: number;
}

export function backwardTiling([n, h, w, c]: number[], tileSize: number): BackwardTiling {
  const tilesY = Math.ceil(h / tileSize);
  const tilesX = Math.ceil(w / tileSize);
  return { tileSize, tilesY, tilesX, numThreads: n * tilesY * tilesX * c };
}

/**
 * Larger blocks read each bin fewer times (a bin is read once per block it overlaps); smaller blocks give more
 * threads. Start at 8 x 8 (a 7 x 7 grid of bins over a conv5 map has bins of about 2-7 cells) and shrink while
 * fewer than ~16K threads would run.
 */
export function chooseTileSize(featuresShape: number[]): number {
  let tile = 8;
  while (tile > 2 && backwardTiling(featuresShape, tile).numThreads < 16384) tile /= 2;
  return tile;
}

function runBins(backend: WebGPUBackend, rois: TensorInfo, featuresShape: number[], attrs: RoiPoolAttrs): TensorInfo {
  const [n, h, w] = featuresShape;
  const program = new RoiPoolBinsProgram(rois.shape[0], attrs.pooledHeight, attrs.pooledWidth);
  return backend.runWebGPUProgram(program, [rois], 'int32', [
    { type: 'float32', data: [attrs.spatialScale] },
    { type: 'int32', data: [attrs.pooledHeight] },
    { type: 'int32', data: [n] },
    { type: 'int32', data: [h] },
    { type: 'int32', data: [w] },
  ]);
}

function zeros(backend: WebGPUBackend, shape: number[]): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, b) => a * b, 1)));
}

function roiPoolWebGPU({ inputs, backend, attrs }: KernelArgs<RoiPoolInputs, WebGPUBackend>): TensorInfo {
  const { features, rois } = inputs;
  const outputShape = [rois.shape[0], attrs.pooledHeight, attrs.pooledWidth, features.shape[3]];
  if (outputShape.includes(0)) return zeros(backend, outputShape);
  const bins = runBins(backend, rois, features.shape, attrs);
  const y = backend.runWebGPUProgram(new RoiPoolForwardProgram(outputShape, 'value'), [features, rois, bins], 'float32');
  backend.disposeData(bins.dataId);
  return y;
}

/** The backward in its three steps; `tileSize` is exposed for the benchmark. */
export function roiPoolGradWebGPU(
  { inputs, backend, attrs }: KernelArgs<RoiPoolGradInputs, WebGPUBackend>,
  tileSize?: number,
): TensorInfo {
  const { dy, features, rois } = inputs;
  if (rois.shape[0] === 0) return zeros(backend, features.shape);
  const bins = runBins(backend, rois, features.shape, attrs);
  const argmax = backend.runWebGPUProgram(new RoiPoolForwardProgram(dy.shape, 'argmax'), [features, rois, bins], 'int32');
  const program = new RoiPoolBackwardProgram(features.shape, tileSize);
  const dx = backend.runWebGPUProgram(program, [dy, argmax, rois, bins], 'float32', program.uniformData());
  backend.disposeData(argmax.dataId);
  backend.disposeData(bins.dataId);
  return dx;
}

export const roiPoolWebGPUConfigs: KernelConfig[] = [
  { kernelName: RoiPool, backendName: 'webgpu', kernelFunc: roiPoolWebGPU as unknown as KernelFunc },
  {
    kernelName: RoiPoolGrad,
    backendName: 'webgpu',
    kernelFunc: ((args: KernelArgs<RoiPoolGradInputs, WebGPUBackend>) => roiPoolGradWebGPU(args)) as unknown as KernelFunc,
  },
];
