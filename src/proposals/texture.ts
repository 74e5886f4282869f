/**
 * The texture feature of selective search (paper §3.2, sTexture): Gaussian derivatives in eight orientations
 * per colour channel, each quantised into 10 bins. The paper uses sigma = 1; we take central differences of the
 * image already smoothed for the segmentation (sigma 0.8), a Gaussian derivative at that scale, which saves
 * four filter passes per channel. The eight orientations are the positive and negative halves of the
 * derivative along 0, 45, 90 and 135 degrees (the derivative along theta + 180 is minus the one along theta),
 * steered from the x and y derivatives. Responses are scaled by the channel's largest gradient magnitude, which
 * bounds every directional derivative, so bin 9 holds the strongest edges.
 *
 * Storage: a pixel has, per channel and axis, one signed response, so it falls in bin b of one half and in bin 0
 * of the other. We keep one code per (pixel, axis): b for the positive half, 10 + b for the negative half; the
 * histogram code (histograms.ts) adds the implied bin-0 counts of the other half. Codes are pixel-major, so a
 * region's histogram row is written while the pixel's codes are read in order.
 */
import type { PlanarImage } from './color_space';

/** Orientations per channel (the paper's eight). */
export const TEXTURE_ORIENTATIONS = 8;
export const TEXTURE_BINS = 10;
/** Signed axes per channel: 0, 45, 90, 135 degrees. */
export const TEXTURE_AXES = TEXTURE_ORIENTATIONS / 2;

export interface TextureCodes {
  /** A = 4 * C signed axes; code of pixel p on axis a at p * A + a, in 0..19 (see above). */
  readonly codes: Uint8Array;
  readonly axisCount: number;
  readonly pixelCount: number;
}

/** `smoothed`: the colour-space planes after the Gaussian smoothing. */
export function computeTextureCodes(smoothed: PlanarImage): TextureCodes {
  const { width, height, channels } = smoothed;
  const n = width * height;
  const axisCount = channels.length * TEXTURE_AXES;
  const codes = new Uint8Array(axisCount * n);
  const gx = new Float32Array(n);
  const gy = new Float32Array(n);
  channels.forEach((plane, c) => {
    const maxMagnitude = centralDifferences(plane, width, height, gx, gy);
    const scale = maxMagnitude > 0 ? TEXTURE_BINS / maxMagnitude : 0;
    writeCodes(gx, gy, scale, codes, c * TEXTURE_AXES, axisCount);
  });
  return { codes, axisCount, pixelCount: n };
}

/**
 * gx, gy = half the difference of the two neighbours along x, y (one-sided at the border).
 * Returns the largest gradient magnitude.
 */
function centralDifferences(plane: Float32Array, width: number, height: number, gx: Float32Array, gy: Float32Array): number {
  let maxSquared = 0;
  for (let y = 0, p = 0; y < height; y++) {
    const up = y > 0 ? -width : 0;
    const down = y < height - 1 ? width : 0;
    const yScale = up !== 0 && down !== 0 ? 0.5 : 1;
    for (let x = 0; x < width; x++, p++) {
      const left = x > 0 ? p - 1 : p;
      const right = x < width - 1 ? p + 1 : p;
      const dx = (plane[right] - plane[left]) * (right - left === 2 ? 0.5 : 1);
      const dy = (plane[p + down] - plane[p + up]) * yScale;
      gx[p] = dx;
      gy[p] = dy;
      const squared = dx * dx + dy * dy;
      if (squared > maxSquared) maxSquared = squared;
    }
  }
  return Math.sqrt(maxSquared);
}

/**
 * Codes of the four axes of one channel: the derivatives along 0, 45, 90 and 135 degrees are gx,
 * (gx + gy) / sqrt 2, gy and (gy - gx) / sqrt 2, times the bin scale.
 */
function writeCodes(gx: Float32Array, gy: Float32Array, scale: number, codes: Uint8Array, first: number, stride: number): void {
  const diagonal = scale * Math.SQRT1_2;
  for (let p = 0, o = first; p < gx.length; p++, o += stride) {
    const x = gx[p];
    const y = gy[p];
    codes[o] = code(x * scale);
    codes[o + 1] = code((x + y) * diagonal);
    codes[o + 2] = code(y * scale);
    codes[o + 3] = code((y - x) * diagonal);
  }
}

/** b for a positive response in bin b, 10 + b for a negative one (v already in bin units). */
function code(v: number): number {
  const top = TEXTURE_BINS - 1;
  return v >= 0 ? Math.min(top, v | 0) : TEXTURE_BINS + Math.min(top, -v | 0);
}
