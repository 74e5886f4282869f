/**
 * Separable filtering of one float plane (width * height, row-major) with edge-clamped borders: the Gaussian
 * pre-smoothing of Felzenszwalb-Huttenlocher (sigma 0.8) and the Gaussian derivatives of the texture feature.
 */

/** Full kernel of length 2r + 1, r = ceil(4 sigma) as in the FH reference code; sums to 1. */
export function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(4 * sigma));
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

/** First derivative of a Gaussian, d/dx G(x), as a correlation kernel (so it yields +I' on a ramp). */
export function gaussianDerivativeKernel(sigma: number): Float32Array {
  const g = gaussianKernel(sigma);
  const radius = (g.length - 1) / 2;
  const out = new Float32Array(g.length);
  let moment = 0;
  for (let i = -radius; i <= radius; i++) {
    out[i + radius] = (i / (sigma * sigma)) * g[i + radius];
    moment += i * out[i + radius];
  }
  // Normalise so the response to the ramp I(x) = x is exactly 1.
  for (let i = 0; i < out.length; i++) out[i] /= moment;
  return out;
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
  const out = new Float32Array(src.length);
  const line = new Float32Array(Math.max(width, height) + Math.max(kx.length, ky.length));
  const column = new Float32Array(height);
  const filtered = new Float32Array(Math.max(width, height));
  for (let y = 0; y < height; y++) {
    const row = src.subarray(y * width, (y + 1) * width);
    correlateLine(row, width, kx, line, filtered);
    tmp.set(filtered.subarray(0, width), y * width);
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) column[y] = tmp[y * width + x];
    correlateLine(column, height, ky, line, filtered);
    for (let y = 0; y < height; y++) out[y * width + x] = filtered[y];
  }
  return out;
}

/** out[i] = sum_j k[j] * v[clamp(i + j - r)]; `padded` is scratch of length >= n + 2r. */
function correlateLine(v: Float32Array, n: number, k: Float32Array, padded: Float32Array, out: Float32Array): void {
  const r = (k.length - 1) / 2;
  for (let i = 0; i < r; i++) padded[i] = v[0];
  for (let i = 0; i < n; i++) padded[r + i] = v[i];
  for (let i = 0; i < r; i++) padded[r + n + i] = v[n - 1];
  const taps = k.length;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < taps; j++) acc += k[j] * padded[i + j];
    out[i] = acc;
  }
}

export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const k = gaussianKernel(sigma);
  return filterSeparable(src, width, height, k, k);
}
