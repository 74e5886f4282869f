/**
 * Test-time scales and the mapping of RoIs to them (paper §2.4 "multi-scale", §5.2; FR `test.py::_project_im_rois`).
 * A single scale is a pyramid of one level, so detection has one code path.
 *
 * Shapes: R proposals packed [R, 4] in original-image pixels; L levels; rois [R, 5] = (level, x1·s, y1·s, x2·s, y2·s)
 * with s the level's scale, i.e. in the scaled image's pixels, as roiPool expects.
 */
import type { PackedBoxes } from '../geometry/box';
import type { ScaleConfig } from './defaults';
import { imageScale, scaledSize, type ImageSize } from './preprocess';

/** The paper's target: a RoI is pooled at the level where its scaled area is closest to 224² (ImageNet's crop). */
export const PYRAMID_TARGET_AREA = 224 * 224;

export interface PyramidLevel {
  /** Image scale s of this level (scaled size = round(W·s) x round(H·s)). */
  readonly scale: number;
  readonly width: number;
  readonly height: number;
}

export function pyramidLevels(image: ImageSize, config: ScaleConfig): PyramidLevel[] {
  if (config.scales.length === 0) throw new Error('at least one scale is needed');
  return config.scales.map((target) => {
    const scale = imageScale(image, target, config.maxSize);
    return { scale, ...scaledSize(image, scale) };
  });
}

/**
 * Level of each RoI: argmin over levels of |w·h·s² − 224²| (first level on ties). Widths have no +1 here
 * (continuous boxes), where FR uses (w+1)(h+1).
 */
export function assignLevels(proposals: PackedBoxes, scales: readonly number[]): Int32Array {
  const count = proposals.length / 4;
  const levels = new Int32Array(count);
  if (scales.length === 1) return levels;
  for (let i = 0; i < count; i++) {
    const area = (proposals[4 * i + 2] - proposals[4 * i]) * (proposals[4 * i + 3] - proposals[4 * i + 1]);
    let best = Infinity;
    for (let l = 0; l < scales.length; l++) {
      const miss = Math.abs(area * scales[l] * scales[l] - PYRAMID_TARGET_AREA);
      if (miss < best) {
        best = miss;
        levels[i] = l;
      }
    }
  }
  return levels;
}

/** rois [R, 5]: (level, x1·s, y1·s, x2·s, y2·s), s = scales[level]; not rounded (roiPool rounds). */
export function projectRois(proposals: PackedBoxes, levels: Int32Array, scales: readonly number[]): Float32Array {
  const count = levels.length;
  const rois = new Float32Array(count * 5);
  for (let i = 0; i < count; i++) {
    const s = scales[levels[i]];
    rois[5 * i] = levels[i];
    for (let k = 0; k < 4; k++) rois[5 * i + 1 + k] = proposals[4 * i + k] * s;
  }
  return rois;
}
