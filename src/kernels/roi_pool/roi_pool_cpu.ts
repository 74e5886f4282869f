/**
 * RoI pooling kernels for the plain-JS `cpu` backend and for `wasm` (where training runs on CPU-only machines):
 * the forward through roi_pool_simd.ts, the gradient through roi_pool_impl.ts (which also records the argmax).
 * tfjs-backend-wasm runs JS kernels registered for 'wasm' like its own (registerKernel, as for cpu); this one
 * reads and writes its heap in place when the backend has BackendWasm's makeOutput/typedArrayFromHeap, else it
 * uses `readSync` and `write`, which every tfjs KernelBackend has.
 */
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import {
  RoiPool,
  RoiPoolGrad,
  type KernelArgs,
  type RoiPoolGradInputs,
  type RoiPoolInputs,
} from './kernel_names';
import { roiPoolBackwardImpl, roiPoolForwardImpl, type FeatureShape } from './roi_pool_impl';
import { roiPoolForwardFast } from './roi_pool_simd';

function output(backend: KernelBackend, values: Float32Array, shape: number[]): TensorInfo {
  return { dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

/** The two methods of tfjs-backend-wasm's BackendWasm that let a JS kernel read and write its heap in place. */
interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

function isWasmHeap(backend: KernelBackend): backend is KernelBackend & WasmHeap {
  const b = backend as Partial<WasmHeap>;
  return typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function';
}

/**
 * The forward: values only (roi_pool_simd.ts, wasm SIMD when available). On wasm the map is read and the output
 * written in the backend's heap (no readSync copy, no 50 MB write copy at 2,000 RoIs); on cpu they are the
 * backend's own arrays.
 */
function roiPoolCpu({ inputs, backend, attrs }: KernelArgs<RoiPoolInputs, KernelBackend>): TensorInfo {
  const { features, rois } = inputs;
  const { pooledHeight, pooledWidth, spatialScale } = attrs;
  const shape = features.shape as unknown as FeatureShape;
  const numRois = rois.shape[0];
  const outShape = [numRois, pooledHeight, pooledWidth, shape[3]];
  const roiValues = backend.readSync(rois.dataId) as Float32Array;
  if (isWasmHeap(backend)) {
    const out = backend.makeOutput(outShape, 'float32');
    // views taken after makeOutput: an allocation may grow (and detach) the heap
    const featureValues = backend.typedArrayFromHeap(features);
    roiPoolForwardFast(featureValues, shape, roiValues, numRois, pooledHeight, pooledWidth, spatialScale, backend.typedArrayFromHeap(out));
    return out;
  }
  const values = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  const featureValues = backend.readSync(features.dataId) as Float32Array;
  roiPoolForwardFast(featureValues, shape, roiValues, numRois, pooledHeight, pooledWidth, spatialScale, values);
  return output(backend, values, outShape);
}

function roiPoolGradCpu({ inputs, backend, attrs }: KernelArgs<RoiPoolGradInputs, KernelBackend>): TensorInfo {
  const { dy, features, rois } = inputs;
  const { pooledHeight, pooledWidth, spatialScale } = attrs;
  const shape = features.shape as unknown as FeatureShape;
  const numRois = rois.shape[0];
  const roiValues = backend.readSync(rois.dataId) as Float32Array;
  const { argmax } = roiPoolForwardImpl(
    backend.readSync(features.dataId) as Float32Array,
    shape,
    roiValues,
    numRois,
    pooledHeight,
    pooledWidth,
    spatialScale,
  );
  const dx = roiPoolBackwardImpl(backend.readSync(dy.dataId) as Float32Array, argmax, shape, roiValues, numRois);
  return output(backend, dx, [...shape]);
}

export const roiPoolCpuConfigs: KernelConfig[] = ['cpu', 'wasm'].flatMap((backendName) => [
  { kernelName: RoiPool, backendName, kernelFunc: roiPoolCpu as unknown as KernelFunc },
  { kernelName: RoiPoolGrad, backendName, kernelFunc: roiPoolGradCpu as unknown as KernelFunc },
]);
