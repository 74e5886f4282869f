/**
 * The texture feature of selective search (paper §3.2, sTexture): Gaussian derivatives in eight orientations
 * per colour channel, each quantised into 10 bins. The paper uses sigma = 1; we take central differences of the
 * image already smoothed for the segmentation (sigma 0.8), a Gaussian derivative at that scale, which saves
 * four filter passes per channel. The eight orientations are the positive and
 * negative halves of the derivative along 0, 45, 90 and 135 degrees (a derivative along theta + 180 is minus
 * the one along theta), each steered from the x and y derivatives. Each half is scaled by its maximum over the
 * image (as OpenCV ximgproc does), so bin 9 holds the strongest edges of that orientation.
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
  const steer = new Float32Array(n);
  channels.forEach((plane, c) => {
    centralDifferences(plane, width, height, gx, gy);
    for (let o = 0; o < TEXTURE_AXES; o++) {
      const angle = (o * Math.PI) / TEXTURE_AXES;
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      writeCodes(steerAxis(gx, gy, cos, sin, steer), codes, c * TEXTURE_AXES + o, axisCount);
    }
  });
  return { codes, axisCount, pixelCount: n };
}

/** gx, gy = half the difference of the two neighbours along x, y (one-sided at the border). */
function centralDifferences(plane: Float32Array, width: number, height: number, gx: Float32Array, gy: Float32Array): void {
  for (let y = 0, p = 0; y < height; y++) {
    const up = y > 0 ? -width : 0;
    const down = y < height - 1 ? width : 0;
    const yScale = up !== 0 && down !== 0 ? 0.5 : 1;
    for (let x = 0; x < width; x++, p++) {
      const left = x > 0 ? p - 1 : p;
      const right = x < width - 1 ? p + 1 : p;
      gx[p] = (plane[right] - plane[left]) * (right - left === 2 ? 0.5 : 1);
      gy[p] = (plane[p + down] - plane[p + up]) * yScale;
    }
  }
}

interface SteeredAxis {
  readonly values: Float32Array;
  readonly maxPos: number;
  readonly maxNeg: number;
}

/** The derivative along (cos, sin), with the largest positive and negative responses. */
function steerAxis(gx: Float32Array, gy: Float32Array, cos: number, sin: number, out: Float32Array): SteeredAxis {
  let maxPos = 0;
  let maxNeg = 0;
  for (let p = 0; p < out.length; p++) {
    const v = cos * gx[p] + sin * gy[p];
    out[p] = v;
    if (v > maxPos) maxPos = v;
    else if (-v > maxNeg) maxNeg = -v;
  }
  return { values: out, maxPos, maxNeg };
}

function writeCodes({ values, maxPos, maxNeg }: SteeredAxis, codes: Uint8Array, axis: number, stride: number): void {
  const scalePos = maxPos > 0 ? TEXTURE_BINS / maxPos : 0;
  const scaleNeg = maxNeg > 0 ? TEXTURE_BINS / maxNeg : 0;
  const top = TEXTURE_BINS - 1;
  for (let p = 0, o = axis; p < values.length; p++, o += stride) {
    const v = values[p];
    codes[o] = v >= 0 ? Math.min(top, (v * scalePos) | 0) : TEXTURE_BINS + Math.min(top, (-v * scaleNeg) | 0);
  }
}
