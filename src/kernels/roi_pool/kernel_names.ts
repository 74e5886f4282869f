/**
 * Names and types of the RoI max-pooling kernels (Fast R-CNN, reference §1).
 *
 * Shape letters: N images, H x W feature map, C channels (NHWC), R RoIs, PH x PW pooled bins.
 * - RoiPool      inputs {features [N,H,W,C] float32, rois [R,5]}      -> output [R,PH,PW,C] float32
 * - RoiPoolGrad  inputs {dy [R,PH,PW,C], features [N,H,W,C], rois [R,5]} -> dx [N,H,W,C] float32
 * A rois row is (batchIndex, x1, y1, x2, y2) in input-image pixels. The gradient kernel recomputes the argmax
 * switches from `features`, so the forward kernel writes only the pooled values (inference never pays for them).
 */
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

// Namespaced: tfjs keeps one global kernel registry, shared with every other library on the page.
export const RoiPool = 'FrcnnRoiPool';
export const RoiPoolGrad = 'FrcnnRoiPoolGrad';

export interface RoiPoolAttrs {
  pooledHeight: number;
  pooledWidth: number;
  /** Image pixels to feature-map cells, e.g. 1/16 for VGG16 conv5_3. */
  spatialScale: number;
}

export interface RoiPoolInputs extends NamedTensorInfoMap {
  features: TensorInfo;
  rois: TensorInfo;
}

export interface RoiPoolGradInputs extends NamedTensorInfoMap {
  dy: TensorInfo;
  features: TensorInfo;
  rois: TensorInfo;
}

/** Kernel arguments as every backend's kernelFunc receives them. */
export interface KernelArgs<Inputs extends NamedTensorInfoMap, Backend> {
  inputs: Inputs;
  backend: Backend;
  attrs: RoiPoolAttrs & NamedAttrMap;
}

export function toAttrMap(attrs: RoiPoolAttrs): NamedAttrMap {
  return { pooledHeight: attrs.pooledHeight, pooledWidth: attrs.pooledWidth, spatialScale: attrs.spatialScale };
}
