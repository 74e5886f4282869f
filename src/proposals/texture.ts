/**
 * The texture feature of selective search (paper §3.2, sTexture): Gaussian derivatives with sigma = 1 in eight
 * orientations per colour channel, each quantised into 10 bins. The eight orientations are the positive and
 * negative halves of the derivative along 0, 45, 90 and 135 degrees (a derivative along theta + 180 is minus
 * the one along theta), each steered from the x and y derivatives. Each half is scaled by its maximum over the
 * image (as OpenCV ximgproc does), so bin 9 holds the strongest edges of that orientation.
 *
 * Storage: a pixel has, per channel and axis, one signed response, so it falls in bin b of one half and in bin 0
 * of the other. We keep one code per (pixel, axis): b for the positive half, 10 + b for the negative half; the
 * histogram code (histograms.ts) adds the implied bin-0 counts of the other half. Codes are pixel-major, so a
 * region's histogram row is written while the pixel's codes are read in order.
 */
import { filterSeparable, gaussianDerivativeKernel, gaussianKernel } from './gaussian_filter';
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

const SIGMA = 1;

export function computeTextureCodes(image: PlanarImage): TextureCodes {
  const { width, height, channels } = image;
  const n = width * height;
  const axisCount = channels.length * TEXTURE_AXES;
  const codes = new Uint8Array(axisCount * n);
  const g = gaussianKernel(SIGMA);
  const dg = gaussianDerivativeKernel(SIGMA);
  const steer = new Float32Array(n);
  channels.forEach((plane, c) => {
    const gx = filterSeparable(plane, width, height, dg, g);
    const gy = filterSeparable(plane, width, height, g, dg);
    for (let o = 0; o < TEXTURE_AXES; o++) {
      const angle = (o * Math.PI) / TEXTURE_AXES;
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      for (let p = 0; p < n; p++) steer[p] = cos * gx[p] + sin * gy[p];
      writeCodes(steer, codes, c * TEXTURE_AXES + o, axisCount);
    }
  });
  return { codes, axisCount, pixelCount: n };
}

function writeCodes(values: Float32Array, codes: Uint8Array, axis: number, stride: number): void {
  let maxPos = 0;
  let maxNeg = 0;
  for (let p = 0; p < values.length; p++) {
    const v = values[p];
    if (v > maxPos) maxPos = v;
    else if (-v > maxNeg) maxNeg = -v;
  }
  const scalePos = maxPos > 0 ? TEXTURE_BINS / maxPos : 0;
  const scaleNeg = maxNeg > 0 ? TEXTURE_BINS / maxNeg : 0;
  const top = TEXTURE_BINS - 1;
  for (let p = 0, o = axis; p < values.length; p++, o += stride) {
    const v = values[p];
    codes[o] = v >= 0 ? Math.min(top, (v * scalePos) | 0) : TEXTURE_BINS + Math.min(top, (-v * scaleNeg) | 0);
  }
}
