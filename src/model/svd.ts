/**
 * Truncated SVD of a fully connected layer (paper §3.1; reference §9, FR `tools/compress_net.py`).
 * A dense layer y = x·W + b with W [in, out] (tfjs layout; Caffe's is its transpose) becomes two:
 *   y ≈ (x·left)·right + b,  left [in, l] (no bias),  right [l, out] (with the original bias),
 * where left·right is the best rank-l approximation of W (Eckart–Young). Cost per RoI drops from in·out to
 * l·(in + out) multiply-adds, with no retraining.
 *
 * Method: the eigen-decomposition of the small Gram matrix (WᵀW when out ≤ in, else WWᵀ) by cyclic Jacobi in
 * float64, O(in·m² + sweeps·m³) for m = min(in, out): about a second in JS for m = 256, fine up to m ≈ 512.
 * Singular values come out as the square roots of the eigenvalues, so those below ~1e-8·s_max are imprecise;
 * the top-l subspace, which is what truncation keeps, is accurate.
 */

export interface TruncatedSvd {
  /** [rows, rank], row-major. */
  readonly left: Float32Array;
  /** [rank, cols], row-major. */
  readonly right: Float32Array;
  readonly rank: number;
  /** All min(rows, cols) singular values, descending. */
  readonly singularValues: Float64Array;
  /** ‖W − left·right‖_F / ‖W‖_F, from the dropped singular values. */
  readonly relativeError: number;
}

/** Rank-`rank` factors of the row-major matrix w [rows, cols]. */
export function truncatedSvd(w: ArrayLike<number>, rows: number, cols: number, rank: number): TruncatedSvd {
  if (w.length !== rows * cols) throw new Error(`truncatedSvd: ${w.length} values for a ${rows}x${cols} matrix`);
  const m = Math.min(rows, cols);
  if (!Number.isInteger(rank) || rank < 1 || rank > m) throw new RangeError(`rank must be in [1, ${m}], got ${rank}`);
  // W = A·S·Bᵀ. With m = cols: eig(WᵀW) = (B, S²), left = W·B_l (= A_l·S_l, Caffe's fc_L), right = B_lᵀ (fc_U).
  // With m = rows: eig(WWᵀ) = (A, S²), left = A_l, right = A_lᵀ·W (= S_l·B_lᵀ). Same product either way.
  const byColumns = cols <= rows;
  const gram = byColumns ? gramOfColumns(w, rows, cols) : gramOfRows(w, rows, cols);
  const { values, vectors } = symmetricEigen(gram, m);
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
  const basis = new Float64Array(m * rank); // [m, rank]: the top eigenvectors as columns
  for (let j = 0; j < rank; j++) for (let i = 0; i < m; i++) basis[i * rank + j] = vectors[i * m + order[j]];
  const singularValues = Float64Array.from(order, (k) => Math.sqrt(Math.max(0, values[k])));
  let total = 0;
  let dropped = 0;
  singularValues.forEach((s, k) => {
    total += s * s;
    if (k >= rank) dropped += s * s;
  });
  const relativeError = total === 0 ? 0 : Math.sqrt(dropped / total);
  if (byColumns) {
    return { left: multiply(w, rows, cols, basis, rank), right: Float32Array.from(transpose(basis, m, rank)), rank, singularValues, relativeError };
  }
  return { left: Float32Array.from(basis), right: multiply(transpose(basis, m, rank), rank, rows, w, cols), rank, singularValues, relativeError };
}

/** ‖a − b‖_F / ‖a‖_F, for tests and reports. */
export function relativeFrobeniusError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += a[i] ** 2;
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
}

/** Row-major product a [n, k] · b [k, p]. */
export function multiply(a: ArrayLike<number>, n: number, k: number, b: ArrayLike<number>, p: number): Float32Array {
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const ait = a[i * k + t];
      if (ait === 0) continue;
      for (let j = 0; j < p; j++) out[i * p + j] += ait * b[t * p + j];
    }
  }
  return Float32Array.from(out);
}

function transpose(a: ArrayLike<number>, n: number, p: number): Float64Array {
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) out[j * n + i] = a[i * p + j];
  return out;
}

/** WᵀW [cols, cols] in float64. */
function gramOfColumns(w: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const g = new Float64Array(cols * cols);
  const row = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) row[j] = w[r * cols + j];
    for (let i = 0; i < cols; i++) {
      const wi = row[i];
      if (wi === 0) continue;
      for (let j = i; j < cols; j++) g[i * cols + j] += wi * row[j];
    }
  }
  for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) g[i * cols + j] = g[j * cols + i];
  return g;
}

/** WWᵀ [rows, rows] in float64. */
function gramOfRows(w: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const g = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      let sum = 0;
      for (let k = 0; k < cols; k++) sum += w[i * cols + k] * w[j * cols + k];
      g[i * rows + j] = sum;
      g[j * rows + i] = sum;
    }
  }
  return g;
}

/**
 * Cyclic Jacobi: a = V·diag(values)·Vᵀ for symmetric a [n, n] (copied). Each rotation zeroes a[p][q]
 * (Numerical Recipes §11.1 rotation formulas); stops when the off-diagonal mass is negligible.
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off <= 1e-30 * norm || off === 0) break;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) rotate(a, v, n, p, q);
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]), vectors: v };
}

function rotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = a[p * n + q];
  if (apq === 0) return;
  const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
  const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p];
    const akq = a[k * n + q];
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k];
    const aqk = a[q * n + k];
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p];
    const vkq = v[k * n + q];
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}
