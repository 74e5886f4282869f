/**
 * RGBA bytes to the colour spaces of the paper's diversification (Uijlings et al. 2013, §3.2 and Table 1).
 * Output is planar: one Float32Array of N values per channel, every channel scaled to [0, 255] so that one
 * Felzenszwalb k and one histogram range fit all spaces (as in OpenCV's 8-bit conversions).
 */
import type { ColorSpaceName, ImageDataLike } from './types';

export interface PlanarImage {
  readonly width: number;
  readonly height: number;
  /** C planes of width * height values in [0, 255]. */
  readonly channels: readonly Float32Array[];
}

export const COLOR_SPACE_CHANNELS: Readonly<Record<ColorSpaceName, number>> = {
  rgb: 3,
  hsv: 3,
  lab: 3,
  rgi: 3,
  h: 1,
  i: 1,
};

export function toColorSpace(image: ImageDataLike, space: ColorSpaceName): PlanarImage {
  const n = image.width * image.height;
  const planes = Array.from({ length: COLOR_SPACE_CHANNELS[space] }, () => new Float32Array(n));
  const convert = CONVERTERS[space];
  const px = new Float32Array(3);
  const d = image.data;
  for (let p = 0, o = 0; p < n; p++, o += 4) {
    convert(d[o], d[o + 1], d[o + 2], px);
    for (let c = 0; c < planes.length; c++) planes[c][p] = px[c];
  }
  return { width: image.width, height: image.height, channels: planes };
}

type Converter = (r: number, g: number, b: number, out: Float32Array) => void;

const CONVERTERS: Readonly<Record<ColorSpaceName, Converter>> = {
  rgb: (r, g, b, out) => {
    out[0] = r;
    out[1] = g;
    out[2] = b;
  },
  hsv: (r, g, b, out) => {
    out[0] = hue(r, g, b) * (255 / 360);
    const max = Math.max(r, g, b);
    out[1] = max === 0 ? 0 : ((max - Math.min(r, g, b)) / max) * 255;
    out[2] = max;
  },
  lab: (r, g, b, out) => rgbToLab(r, g, b, out),
  rgi: (r, g, b, out) => {
    // Normalised rg plus intensity (paper Table 1); a black pixel has r = g = 1/3 by convention.
    const sum = r + g + b;
    out[0] = sum === 0 ? 85 : (r / sum) * 255;
    out[1] = sum === 0 ? 85 : (g / sum) * 255;
    out[2] = sum / 3;
  },
  h: (r, g, b, out) => {
    out[0] = hue(r, g, b) * (255 / 360);
  },
  i: (r, g, b, out) => {
    out[0] = 0.299 * r + 0.587 * g + 0.114 * b;
  },
};

/** Hue in degrees [0, 360); 0 for greys, where it is undefined. */
function hue(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const delta = max - Math.min(r, g, b);
  if (delta === 0) return 0;
  let h: number;
  if (max === r) h = (g - b) / delta;
  else if (max === g) h = 2 + (b - r) / delta;
  else h = 4 + (r - g) / delta;
  h *= 60;
  return h < 0 ? h + 360 : h;
}

/** sRGB byte to linear light, tabulated once. */
const SRGB_TO_LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
});

// D65 white point.
const XN = 0.950456;
const ZN = 1.088754;

function labF(t: number): number {
  return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
}

/** CIE L*a*b* scaled as OpenCV's 8-bit Lab: L * 255 / 100, a + 128, b + 128. */
function rgbToLab(r8: number, g8: number, b8: number, out: Float32Array): void {
  const r = SRGB_TO_LINEAR[r8];
  const g = SRGB_TO_LINEAR[g8];
  const b = SRGB_TO_LINEAR[b8];
  const fx = labF((0.412453 * r + 0.35758 * g + 0.180423 * b) / XN);
  const fy = labF(0.212671 * r + 0.71516 * g + 0.072169 * b);
  const fz = labF((0.019334 * r + 0.119193 * g + 0.950227 * b) / ZN);
  out[0] = (116 * fy - 16) * (255 / 100);
  out[1] = clampByte(500 * (fx - fy) + 128);
  out[2] = clampByte(200 * (fy - fz) + 128);
}

function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}
