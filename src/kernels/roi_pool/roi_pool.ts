/**
 * roiPool: RoI max pooling (Fast R-CNN, reference §1) as a tfjs op with a gradient, on the webgpu, webgl and cpu
 * backends. Importing this module registers the kernels.
 *
 * Shape letters: N images, H x W feature map, C channels, R RoIs, PH x PW pooled bins.
 */
import { engine, Tensor, type DataId, type Tensor2D, type Tensor4D } from '@tensorflow/tfjs';
import { registerKernels } from '../register';
import { RoiPool, toAttrMap, type RoiPoolAttrs } from './kernel_names';
import { MAX_SCALED_COORDINATE, ROI_COLUMNS } from './roi_pool_impl';

registerKernels();

/** The largest pooled grid side accepted; Fast R-CNN uses 6 or 7. */
export const MAX_POOLED_SIZE = 1024;

/**
 * Max-pools each RoI of `rois` over `features` into a pooledHeight x pooledWidth grid.
 * @param features [N, H, W, C] float32 feature maps (NHWC).
 * @param rois [R, 5] rows (batchIndex, x1, y1, x2, y2) in input-image pixels, inclusive corners; batchIndex an
 *   integer in [0, N). Read on the host once per rois tensor to check it (cheap for proposals, which start there).
 * @param spatialScale image pixels to feature cells, e.g. 1/16 for VGG16 conv5_3.
 * @returns [R, pooledHeight, pooledWidth, C]; differentiable with respect to `features`.
 */
export function roiPool(
  features: Tensor4D,
  rois: Tensor2D,
  pooledHeight: number,
  pooledWidth: number,
  spatialScale: number,
): Tensor4D {
  const attrs: RoiPoolAttrs = { pooledHeight, pooledWidth, spatialScale };
  checkArguments(features, rois, attrs);
  checkRoiValues(rois, features.shape[0], spatialScale);
  return engine().runKernel(RoiPool, { features, rois }, toAttrMap(attrs)) as Tensor4D;
}

function fail(message: string): never {
  throw new Error(`roiPool: ${message}`);
}

function checkArguments(features: unknown, rois: unknown, attrs: RoiPoolAttrs): void {
  if (!(features instanceof Tensor)) fail('features must be a tf.Tensor [N, H, W, C].');
  if (!(rois instanceof Tensor)) fail('rois must be a tf.Tensor [R, 5].');
  if (features.rank !== 4) {
    fail(`features must be a rank-4 tensor [N, H, W, C] (NHWC), got rank ${features.rank}, shape [${features.shape}].`);
  }
  if (features.size === 0) fail(`features must not be empty, got shape [${features.shape}].`);
  if (features.dtype !== 'float32') fail(`features must be float32, got ${features.dtype}.`);
  if (rois.rank !== 2 || rois.shape[1] !== ROI_COLUMNS) {
    fail(`rois must have shape [R, 5] (batchIndex, x1, y1, x2, y2), got shape [${rois.shape}].`);
  }
  if (rois.dtype !== 'float32' && rois.dtype !== 'int32') fail(`rois must be float32 or int32, got ${rois.dtype}.`);
  for (const name of ['pooledHeight', 'pooledWidth'] as const) {
    const v = attrs[name];
    if (!Number.isInteger(v) || v < 1 || v > MAX_POOLED_SIZE) {
      fail(`${name} must be an integer in [1, ${MAX_POOLED_SIZE}], got ${v}.`);
    }
  }
  if (!Number.isFinite(attrs.spatialScale) || attrs.spatialScale <= 0) {
    fail(`spatialScale must be a finite number > 0, got ${attrs.spatialScale}.`);
  }
}

interface RoiSummary {
  readonly minBatch: number;
  readonly maxBatch: number;
  readonly maxAbsCoordinate: number;
  /** The first bad entry, [row, column], when some batch index is fractional or some value not finite. */
  readonly invalidAt: readonly [number, number] | null;
}

// Tensors are immutable, so a rois tensor is read and summarised once, however often it is pooled.
const summaries = new WeakMap<DataId, RoiSummary>();

function summarise(values: ArrayLike<number>): RoiSummary {
  let [minBatch, maxBatch, maxAbsCoordinate] = [Infinity, -Infinity, 0];
  for (let i = 0; i < values.length; i += ROI_COLUMNS) {
    const batch = values[i];
    if (!Number.isInteger(batch)) return { minBatch, maxBatch, maxAbsCoordinate, invalidAt: [i / ROI_COLUMNS, 0] };
    minBatch = Math.min(minBatch, batch);
    maxBatch = Math.max(maxBatch, batch);
    for (let k = 1; k < ROI_COLUMNS; k += 1) {
      const v = values[i + k];
      if (!Number.isFinite(v)) return { minBatch, maxBatch, maxAbsCoordinate, invalidAt: [i / ROI_COLUMNS, k] };
      maxAbsCoordinate = Math.max(maxAbsCoordinate, Math.abs(v));
    }
  }
  return { minBatch, maxBatch, maxAbsCoordinate, invalidAt: null };
}

function checkRoiValues(rois: Tensor2D, numImages: number, spatialScale: number): void {
  let summary = summaries.get(rois.dataId);
  if (summary == null) {
    summary = summarise(rois.dataSync());
    summaries.set(rois.dataId, summary);
  }
  if (summary.invalidAt != null) {
    const [row, column] = summary.invalidAt;
    const value = rois.dataSync()[row * ROI_COLUMNS + column];
    fail(
      column === 0
        ? `rois[${row}, 0] = ${value} is not a batch index: it must be an integer in [0, ${numImages}).`
        : `rois[${row}, ${column}] = ${value} is not a finite coordinate.`,
    );
  }
  if (summary.minBatch < 0 || summary.maxBatch >= numImages) {
    const values = rois.dataSync();
    let row = 0;
    while (values[row * ROI_COLUMNS] >= 0 && values[row * ROI_COLUMNS] < numImages) row += 1;
    fail(`rois[${row}, 0] = ${values[row * ROI_COLUMNS]} is not a batch index of features, which holds ${numImages} image(s).`);
  }
  if (summary.maxAbsCoordinate * Math.fround(spatialScale) >= MAX_SCALED_COORDINATE) {
    fail(
      `rois holds a coordinate of magnitude ${summary.maxAbsCoordinate}, which is ${summary.maxAbsCoordinate * spatialScale} ` +
        `feature cells at spatialScale ${spatialScale}; the limit is ${MAX_SCALED_COORDINATE} cells.`,
    );
  }
}
