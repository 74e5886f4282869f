/**
 * Gaussian smoothing of one float plane (width * height, row-major) with edge-clamped borders: the
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

/** Gaussian smoothing: a horizontal then a vertical pass of the symmetric kernel. */
export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const k = gaussianKernel(sigma);
  const tmp = new Float32Array(src.length);
  const padded = new Float32Array(width + k.length);
  for (let y = 0; y < height; y++) blurRow(src, y * width, width, k, padded, tmp);
  return blurColumns(tmp, width, height, k);
}

/**
 * One row: out[o + i] = k[r] v[i] + sum_j k[r + j] (v[i - j] + v[i + j]), borders clamped; `padded` is scratch
 * of length >= width + 2r.
 */
function blurRow(src: Float32Array, o: number, width: number, k: Float32Array, padded: Float32Array, out: Float32Array): void {
  const r = (k.length - 1) / 2;
  for (let i = 0; i < r; i++) {
    padded[i] = src[o];
    padded[r + width + i] = src[o + width - 1];
  }
  for (let i = 0; i < width; i++) padded[r + i] = src[o + i];
  const centre = k[r];
  for (let i = 0; i < width; i++) {
    const c = i + r;
    let acc = centre * padded[c];
    for (let j = 1; j <= r; j++) acc += k[r + j] * (padded[c - j] + padded[c + j]);
    out[o + i] = acc;
  }
}

/** The vertical pass, a whole row at a time so memory is read in order; rows beyond the border are clamped. */
function blurColumns(src: Float32Array, width: number, height: number, k: Float32Array): Float32Array {
  const out = new Float32Array(src.length);
  const r = (k.length - 1) / 2;
  const centre = k[r];
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let x = 0; x < width; x++) out[o + x] = centre * src[o + x];
    for (let j = 1; j <= r; j++) {
      const up = Math.max(0, y - j) * width;
      const down = Math.min(height - 1, y + j) * width;
      const weight = k[r + j];
      for (let x = 0; x < width; x++) out[o + x] += weight * (src[up + x] + src[down + x]);
    }
  }
  return out;
}
