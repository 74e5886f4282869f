/**
 * Anchors of the Region Proposal Network (Ren et al. 2015, §3.1; py-faster-rcnn `generate_anchors.py` and the
 * shift in `anchor_target_layer.py` / `proposal_layer.py`).
 *
 * `generateAnchors` reproduces py-faster-rcnn's base anchors number for number, in its own inclusive "+1"
 * convention (a box [x1, x2] covers x2 - x1 + 1 pixels, centred on cell 0 at 7.5). Everything else in the project
 * is continuous (geometry/box.ts), so `shiftAnchors` converts once (x2 + 1, y2 + 1): the same pixels, now centred
 * at 16j + 8, the middle of the cell [16j, 16j + 16) of the stride-16 map.
 *
 * Order (py-faster-rcnn's): base anchors ratio-major then scale; shifted anchors cell by cell, row-major (y, then
 * x), the A anchors of a cell together. This is the NHWC order of the head's outputs [1, H, W, A] reshaped to
 * [H·W·A], so anchor i pairs with objectness i and deltas [4i, 4i + 4).
 */
import type { PackedBoxes } from '../../geometry/box';
import type { AnchorSettings } from './settings';

/** py-faster-rcnn's defaults: 9 anchors of about 128², 256², 512² pixels at three aspect ratios (h / w). */
export const FASTER_RCNN_ANCHORS = { baseSize: 16, ratios: [0.5, 1, 2], scales: [8, 16, 32] } as const;

/** Base anchors [A, 4] with A = ratios × scales, exactly as py-faster-rcnn's generate_anchors (inclusive corners). */
export function generateAnchors(baseSize: number, ratios: readonly number[], scales: readonly number[]): Float64Array {
  if (!(baseSize > 0) || ratios.length === 0 || scales.length === 0) {
    throw new Error(`generateAnchors: need baseSize > 0 and at least one ratio and one scale (got ${baseSize}, [${ratios}], [${scales}])`);
  }
  for (const v of [...ratios, ...scales]) if (!(v > 0 && Number.isFinite(v))) throw new Error(`generateAnchors: ratios and scales must be positive, got ${v}`);
  const centre = 0.5 * (baseSize - 1);
  const size = baseSize * baseSize;
  const out = new Float64Array(ratios.length * scales.length * 4);
  let o = 0;
  for (const ratio of ratios) {
    // _ratio_enum: keep the area, change the shape; numpy rounds half to even
    const ws = roundHalfEven(Math.sqrt(size / ratio));
    const hs = roundHalfEven(ws * ratio);
    for (const scale of scales) {
      // _scale_enum: w·scale, h·scale about the same centre
      const w = ws * scale;
      const h = hs * scale;
      out[o++] = centre - 0.5 * (w - 1);
      out[o++] = centre - 0.5 * (h - 1);
      out[o++] = centre + 0.5 * (w - 1);
      out[o++] = centre + 0.5 * (h - 1);
    }
  }
  return out;
}

/**
 * All anchors of a featureHeight × featureWidth map [H·W·A, 4], continuous boxes in network-input pixels: base
 * anchor a moved by (stride·x, stride·y) for every cell, with the inclusive → continuous conversion.
 */
export function shiftAnchors(baseAnchors: PackedBoxes, featureHeight: number, featureWidth: number, stride: number): Float32Array {
  if (!(Number.isInteger(featureHeight) && Number.isInteger(featureWidth) && featureHeight >= 0 && featureWidth >= 0)) {
    throw new Error(`shiftAnchors: the feature map must have whole non-negative sides, got ${featureHeight}x${featureWidth}`);
  }
  const a = baseAnchors.length / 4;
  const out = new Float32Array(featureHeight * featureWidth * a * 4);
  let o = 0;
  for (let y = 0; y < featureHeight; y++) {
    for (let x = 0; x < featureWidth; x++) {
      const sx = x * stride;
      const sy = y * stride;
      for (let k = 0; k < 4 * a; k += 4) {
        out[o++] = baseAnchors[k] + sx;
        out[o++] = baseAnchors[k + 1] + sy;
        out[o++] = baseAnchors[k + 2] + 1 + sx;
        out[o++] = baseAnchors[k + 3] + 1 + sy;
      }
    }
  }
  return out;
}

/** How many maps' anchors anchorsForMap keeps: a set's few image sizes (and their mirrors, the same size). */
const KEPT_MAPS = 16;
const keptAnchors = new Map<string, Float32Array>();

/**
 * Every anchor of a featureHeight × featureWidth map for these settings [H·W·A, 4]. Memoised by map size and
 * settings (the last KEPT_MAPS), since training asks for the same map's anchors at every step: the array is
 * shared, so callers must not write to it.
 */
export function anchorsForMap(settings: AnchorSettings, featureHeight: number, featureWidth: number): Float32Array {
  const key = `${featureHeight}x${featureWidth}|${settings.baseSize}|${settings.ratios.join(',')}|${settings.scales.join(',')}|${settings.featureStride}`;
  let anchors = keptAnchors.get(key);
  if (anchors === undefined) {
    anchors = shiftAnchors(generateAnchors(settings.baseSize, settings.ratios, settings.scales), featureHeight, featureWidth, settings.featureStride);
    if (keptAnchors.size >= KEPT_MAPS) keptAnchors.delete(keptAnchors.keys().next().value!);
  }
  keptAnchors.delete(key); // re-inserted as the most recent
  keptAnchors.set(key, anchors);
  return anchors;
}

/** numpy's np.round: halves go to the even neighbour (np.round(11.5) = 12, np.round(12.5) = 12). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
