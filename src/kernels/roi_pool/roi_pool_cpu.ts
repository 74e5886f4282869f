/**
 * RoI pooling kernels for the plain-JS `cpu` backend and for `wasm` (where training runs on CPU-only machines):
 * thin wrappers around roi_pool_impl.ts. Only `readSync` and `write` are used, which every tfjs KernelBackend has.
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

function output(backend: KernelBackend, values: Float32Array, shape: number[]): TensorInfo {
  return { dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
}

function roiPoolCpu({ inputs, backend, attrs }: KernelArgs<RoiPoolInputs, KernelBackend>): TensorInfo {
  const { features, rois } = inputs;
  const { pooledHeight, pooledWidth, spatialScale } = attrs;
  const shape = features.shape as unknown as FeatureShape;
  const numRois = rois.shape[0];
  const { output: values } = roiPoolForwardImpl(
    backend.readSync(features.dataId) as Float32Array,
    shape,
    backend.readSync(rois.dataId) as Float32Array,
    numRois,
    pooledHeight,
    pooledWidth,
    spatialScale,
  );
  return output(backend, values, [numRois, pooledHeight, pooledWidth, shape[3]]);
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
