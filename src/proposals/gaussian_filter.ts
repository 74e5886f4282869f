/**
 * Separable filtering of one float plane (width * height, row-major) with edge-clamped borders: the Gaussian
 * pre-smoothing of Felzenszwalb-Huttenlocher (sigma 0.8), whose output the texture feature also differentiates.
 */

/** Full kernel of length 2r + 1, r = ceil(3 sigma) (FH's code goes to 4 sigma; the taps beyond 3 sigma weigh < 1e-4); sums to 1. */
export function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    kernel[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  return kernel;
}

/** out = (src correlated with kx along rows) correlated with ky along columns. */
export function filterSeparable(
  src: Float32Array,
  width: number,
  height: number,
  kx: Float32Array,
  ky: Float32Array,
): Float32Array {
  const tmp = new Float32Array(src.length);
  const padded = new Float32Array(width + kx.length);
  const filtered = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    correlateRow(src.subarray(y * width, (y + 1) * width), kx, padded, filtered);
    tmp.set(filtered, y * width);
  }
  return correlateColumns(tmp, width, height, ky);
}

/** out[i] = sum_j k[j] * v[clamp(i + j - r)]; `padded` is scratch of length >= n + 2r. */
function correlateRow(v: Float32Array, k: Float32Array, padded: Float32Array, out: Float32Array): void {
  const n = v.length;
  const r = (k.length - 1) / 2;
  for (let i = 0; i < r; i++) padded[i] = v[0];
  padded.set(v, r);
  for (let i = 0; i < r; i++) padded[r + n + i] = v[n - 1];
  const taps = k.length;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < taps; j++) acc += k[j] * padded[i + j];
    out[i] = acc;
  }
}

/** Vertical pass, a whole row at a time so memory is read in order. Rows beyond the border are clamped. */
function correlateColumns(src: Float32Array, width: number, height: number, k: Float32Array): Float32Array {
  const out = new Float32Array(src.length);
  const r = (k.length - 1) / 2;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let j = 0; j < k.length; j++) {
      const yy = Math.min(height - 1, Math.max(0, y + j - r));
      const weight = k[j];
      const s = yy * width;
      for (let x = 0; x < width; x++) out[o + x] += weight * src[s + x];
    }
  }
  return out;
}

export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const k = gaussianKernel(sigma);
  return filterSeparable(src, width, height, k, k);
}
