/**
 * RoI pooling kernels for tfjs-backend-webgpu: the WGSL programs of shaders/roi_pool_*.wgsl and the kernel functions
 * that chain them.
 *
 * Shape letters: N images, H x W feature map, C channels (NHWC), R RoIs, PH x PW pooled bins, K RoI chunks.
 * - forward:  bins [R, PH+PW, 2] -> y [R, PH, PW, C]
 * - backward: bins -> argmax [R, PH, PW, C] -> K partial dx [K*N, H, W, C] -> dx [N, H, W, C] (deterministic, see
 *   roi_pool_backward.wgsl; the sum step only when K > 1)
 * Each program is a class (its name labels the pipeline), built anew per call because runWebGPUProgram writes its
 * shaderKey. Sizes travel as uniforms; the only constants baked into the WGSL (the forward's writeResult and channels
 * per thread) are in the shaderKey.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import binsSource from '../../../shaders/roi_pool_bins.wgsl?raw';
import forwardSource from '../../../shaders/roi_pool_forward.wgsl?raw';
import backwardSource from '../../../shaders/roi_pool_backward.wgsl?raw';
import sumSource from '../../../shaders/roi_pool_backward_sum.wgsl?raw';
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

/**
 * Max per bin, writing the value (forward) or its plane-local position (argmax, for the backward); four channels per
 * thread, as vec4, when C is a multiple of 4.
 */
export class RoiPoolForwardProgram implements WebGPUProgram {
  readonly variableNames = ['x', 'rois', 'bins'];
  readonly workgroupSize = WORKGROUP;
  readonly size = true;
  readonly outputShape: number[];
  readonly outputComponent: number;
  readonly variableComponents: number[];
  readonly dispatchLayout: WebGPUProgram['dispatchLayout'];
  readonly dispatch: WebGPUProgram['dispatch'];
  shaderKey: string;

  constructor(
    outputShape: number[],
    private readonly writes: 'value' | 'argmax',
  ) {
    this.outputShape = outputShape;
    this.outputComponent = outputShape[3] % 4 === 0 ? 4 : 1;
    this.variableComponents = [this.outputComponent, 1, 1];
    this.shaderKey = `frcnn_roiPool_forward_${writes}_${this.outputComponent}`;
    const threads = outputShape.reduce((a, b) => a * b, 1) / this.outputComponent;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(threads));
  }

  getUserCode(): string {
    const vector = this.outputComponent === 4;
    const types = `const CHANNELS_PER_THREAD = ${this.outputComponent};
alias Value = ${vector ? 'vec4<f32>' : 'f32'};
alias Position = ${vector ? 'vec4<i32>' : 'i32'};`;
    const store = this.writes === 'value' ? 'setOutputAtIndex(index, value);' : 'setOutputAtIndexI32(index, position);';
    return `${types}\n${forwardSource}\nfn writeResult(index : i32, value : Value, position : Position) { ${store} }\n`;
  }
}

/** dx (or K partial sums of it) from dy and the argmax switches: shaders/roi_pool_backward.wgsl. */
export class RoiPoolBackwardProgram implements WebGPUProgram {
  readonly variableNames = ['dy', 'argmax', 'rois', 'bins'];
  readonly uniforms = 'tileSize : i32, tilesY : i32, tilesX : i32, numImages : i32, roisPerChunk : i32, numThreads : i32,';
  readonly workgroupSize = WORKGROUP;
  readonly outputShape: number[];
  readonly dispatchLayout: WebGPUProgram['dispatchLayout'];
  readonly dispatch: WebGPUProgram['dispatch'];
  shaderKey = 'frcnn_roiPool_backward';

  constructor(
    [n, h, w, c]: number[],
    readonly plan: BackwardPlan,
  ) {
    this.outputShape = [plan.numChunks * n, h, w, c];
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(plan.numThreads));
  }

  getUserCode(): string {
    return backwardSource;
  }

  uniformData(): Array<{ type: string; data: number[] }> {
    const { tileSize, tilesY, tilesX, roisPerChunk, numThreads } = this.plan;
    const numImages = this.outputShape[0] / this.plan.numChunks;
    return [tileSize, tilesY, tilesX, numImages, roisPerChunk, numThreads].map((v) => ({ type: 'int32', data: [v] }));
  }
}

/** dx as the sum of the K partial sums, in chunk order: shaders/roi_pool_backward_sum.wgsl. */
export class RoiPoolSumProgram implements WebGPUProgram {
  readonly variableNames = ['partials'];
  readonly uniforms = 'numChunks : i32,';
  readonly workgroupSize = WORKGROUP;
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: WebGPUProgram['dispatchLayout'];
  readonly dispatch: WebGPUProgram['dispatch'];
  shaderKey = 'frcnn_roiPool_backward_sum';

  constructor(featuresShape: number[]) {
    this.outputShape = featuresShape;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(featuresShape.reduce((a, b) => a * b, 1)));
  }

  getUserCode(): string {
    return sumSource;
  }
}

/** How the backward splits its work: RoI chunks x images x tile x tile blocks x channels, one thread each. */
export interface BackwardPlan {
  readonly tileSize: number;
  readonly tilesY: number;
  readonly tilesX: number;
  readonly numChunks: number;
  readonly roisPerChunk: number;
  readonly numThreads: number;
}

/** A thread walks at most this many RoIs; more RoIs are split into chunks summed afterwards. */
const ROIS_PER_CHUNK = 512;
/** Cap on the partial sums (K x the features' size), 64 MiB of float32. */
const MAX_PARTIAL_ELEMENTS = 2 ** 24;

function tilesOf([n, h, w, c]: number[], tileSize: number) {
  const [tilesY, tilesX] = [Math.ceil(h / tileSize), Math.ceil(w / tileSize)];
  return { tileSize, tilesY, tilesX, threadsPerChunk: n * tilesY * tilesX * c };
}

/**
 * Blocks trade redundant reads for threads: a bin is read once per block it overlaps, and every block walks its
 * RoIs once, so larger blocks do less work; smaller blocks and more chunks give more threads. Take the largest block
 * (from the whole map down, halving) with which all chunks together still run `minThreads` threads.
 */
export function planBackward(featuresShape: number[], numRois: number, minThreads: number): BackwardPlan {
  const size = featuresShape.reduce((a, b) => a * b, 1);
  const maxChunks = Math.max(1, Math.floor(MAX_PARTIAL_ELEMENTS / size));
  const numChunks = Math.min(Math.max(1, Math.ceil(numRois / ROIS_PER_CHUNK)), maxChunks);
  let tiles = tilesOf(featuresShape, Math.max(featuresShape[1], featuresShape[2]));
  while (tiles.tileSize > 2 && numChunks * tiles.threadsPerChunk < minThreads) {
    tiles = tilesOf(featuresShape, Math.ceil(tiles.tileSize / 2));
  }
  const { threadsPerChunk, ...blocks } = tiles;
  return { ...blocks, numChunks, roisPerChunk: Math.ceil(numRois / numChunks), numThreads: numChunks * threadsPerChunk };
}

/** The device classes the backward plans for: a software adapter (SwiftShader) or a GPU. */
export type DeviceClass = 'software' | 'gpu';

/**
 * Threads that keep the device busy: a GPU wants tens of thousands; a software adapter (SwiftShader: WebGPU run on
 * the CPU cores, as in CI) runs a few hundred as fast and then gains nothing but the redundant work.
 */
export const MIN_BACKWARD_THREADS: Readonly<Record<DeviceClass, number>> = { software: 256, gpu: 16384 };

/** Test hook, see planBackwardAsForTesting: when set, the device class used in place of the adapter's. */
let deviceClassOverride: DeviceClass | null = null;

/**
 * Test hook, never called by the app or the library: plan every later webgpu backward as for `device` instead of
 * the backend's adapter (null: the adapter again), so tests on SwiftShader run the plan that GPUs get.
 */
export function planBackwardAsForTesting(device: DeviceClass | null): void {
  deviceClassOverride = device;
}

export function deviceClassOf(backend: WebGPUBackend): DeviceClass {
  if (deviceClassOverride != null) return deviceClassOverride;
  const adapter = backend.adapterInfo as unknown as { architecture?: string } | undefined; // a private field in the typings
  return adapter?.architecture === 'swiftshader' ? 'software' : 'gpu';
}

export function minBackwardThreads(backend: WebGPUBackend): number {
  return MIN_BACKWARD_THREADS[deviceClassOf(backend)];
}

export function runBins(backend: WebGPUBackend, rois: TensorInfo, featuresShape: number[], attrs: RoiPoolAttrs): TensorInfo {
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

/** The backward: bins, argmax, the deterministic scatter by blocks, and the sum of chunks when there are several. */
function roiPoolGradWebGPU({ inputs, backend, attrs }: KernelArgs<RoiPoolGradInputs, WebGPUBackend>): TensorInfo {
  const { dy, features, rois } = inputs;
  if (rois.shape[0] === 0) return zeros(backend, features.shape);
  const bins = runBins(backend, rois, features.shape, attrs);
  const argmax = backend.runWebGPUProgram(new RoiPoolForwardProgram(dy.shape, 'argmax'), [features, rois, bins], 'int32');
  const plan = planBackward(features.shape, rois.shape[0], minBackwardThreads(backend));
  const program = new RoiPoolBackwardProgram(features.shape, plan);
  const partials = backend.runWebGPUProgram(program, [dy, argmax, rois, bins], 'float32', program.uniformData());
  backend.disposeData(argmax.dataId);
  backend.disposeData(bins.dataId);
  if (plan.numChunks === 1) return partials;
  const dx = backend.runWebGPUProgram(new RoiPoolSumProgram(features.shape), [partials], 'float32', [
    { type: 'int32', data: [plan.numChunks] },
  ]);
  backend.disposeData(partials.dataId);
  return dx;
}

export const roiPoolWebGPUConfigs: KernelConfig[] = [
  { kernelName: RoiPool, backendName: 'webgpu', kernelFunc: roiPoolWebGPU as unknown as KernelFunc },
  {
    kernelName: RoiPoolGrad,
    backendName: 'webgpu',
    kernelFunc: roiPoolGradWebGPU as unknown as KernelFunc,
  },
];
