/**
 * RoI max pooling on typed arrays: the CPU kernel and the oracle every other backend is tested against.
 *
 * Shape letters: N images, H x W feature map, C channels (NHWC), R RoIs, PH x PW pooled bins.
 * Semantics are torchvision's CPU roi_pool (reference §1), with its float32 arithmetic reproduced exactly:
 * 1. Scale each corner in f32 and round half away from zero (C `round`; not tf.round, which rounds half to even).
 * 2. RoI size = max(end - start + 1, 1) cells (inclusive ends; a malformed RoI becomes 1 x 1).
 * 3. bin = f32(size) / f32(pooled), correctly rounded; bin p spans [floor(f32(p * bin)), ceil(f32((p + 1) * bin))),
 *    shifted by the RoI start and clamped to the map. Neighbouring bins may overlap by one cell.
 * 4. An empty bin gives 0 and argmax -1; otherwise the max in row-major order, ties to the first maximum.
 * The argmax is plane-local (h * W + w), as in the reference.
 */

export type FeatureShape = readonly [n: number, h: number, w: number, c: number];
type NumericArray = ArrayLike<number>;

/** Largest finite float32, the reference's initial maximum (-FLT_MAX). */
export const FLT_MAX = 3.4028234663852886e38;
/** |coordinate x spatialScale| must stay below this, so every rounded corner and RoI size is an exact f32 integer. */
export const MAX_SCALED_COORDINATE = 2 ** 22;
/** Columns of a rois row: batch index, x1, y1, x2, y2. */
export const ROI_COLUMNS = 5;

const f32 = Math.fround;

/** C `round` of a float32 value: halves go away from zero. */
export function roundHalfAwayFromZero(v: number): number {
  const a = Math.abs(v);
  const f = Math.floor(a);
  const r = a - f >= 0.5 ? f + 1 : f;
  return v < 0 ? -r : r;
}

/**
 * Bin edges along one axis: [start0, end0, start1, end1, ...] for `pooled` bins of the RoI from feature cell
 * `first` to `last` (inclusive), clamped to [0, limit].
 * The f32 quotient: a double division of integers below 2^24 rounded once to f32 is the correctly rounded f32
 * quotient (double rounding cannot occur for such operands), and a double product of two f32s is exact, so fround
 * of it is the f32 product.
 */
export function binEdges(first: number, last: number, pooled: number, limit: number): Int32Array {
  return binEdgesInto(first, last, pooled, limit, new Int32Array(2 * pooled));
}

/** binEdges written into `edges` (length 2 * pooled), so a kernel allocates nothing per RoI. */
export function binEdgesInto(first: number, last: number, pooled: number, limit: number, edges: Int32Array): Int32Array {
  const size = Math.max(last - first + 1, 1);
  const bin = f32(size / pooled);
  for (let p = 0; p < pooled; p += 1) {
    const start = Math.floor(f32(p * bin)) + first;
    const end = Math.ceil(f32((p + 1) * bin)) + first;
    edges[2 * p] = Math.min(Math.max(start, 0), limit);
    edges[2 * p + 1] = Math.min(Math.max(end, 0), limit);
  }
  return edges;
}

export interface RoiBins {
  /** Image index, or -1 when the row names no image of the batch (all its bins are then empty). */
  readonly batch: number;
  /** [hstart, hend) per bin row, length 2 * PH. */
  readonly rows: Int32Array;
  /** [wstart, wend) per bin column, length 2 * PW. */
  readonly cols: Int32Array;
}

/** Steps 1-3 above for RoI `r`. */
export function roiBins(
  rois: NumericArray,
  r: number,
  shape: FeatureShape,
  pooledHeight: number,
  pooledWidth: number,
  spatialScale: number,
): RoiBins {
  const rows = new Int32Array(2 * pooledHeight);
  const cols = new Int32Array(2 * pooledWidth);
  return { batch: roiBinsInto(rois, r, shape, spatialScale, rows, cols), rows, cols };
}

/**
 * roiBins written into `rows` (length 2 * PH) and `cols` (length 2 * PW), so a kernel allocates nothing per RoI.
 * Returns the image index, or -1 when the row names no image of the batch (`rows` and `cols` are then untouched).
 */
export function roiBinsInto(rois: NumericArray, r: number, shape: FeatureShape, spatialScale: number, rows: Int32Array, cols: Int32Array): number {
  const [n, h, w] = shape;
  const row = r * ROI_COLUMNS;
  const batch = Math.trunc(rois[row]);
  if (!(batch >= 0 && batch < n)) return -1;
  const scale = f32(spatialScale);
  const corner = (i: number) => roundHalfAwayFromZero(f32(f32(rois[row + i]) * scale));
  binEdgesInto(corner(2), corner(4), rows.length / 2, h, rows);
  binEdgesInto(corner(1), corner(3), cols.length / 2, w, cols);
  return batch;
}

/**
 * The forward values alone (no argmax: inference never needs it), written into `output` [R, PH, PW, C], every
 * element of which is written (it may hold garbage, e.g. fresh wasm heap memory). The same values, bit for bit,
 * as roiPoolForwardImpl: the same bins, the same visiting order, the same strict comparison from -FLT_MAX.
 * Tight loops for the CPU backends: no allocation per RoI or bin, the bin's C maxima kept in a scratch row that
 * stays in L1, the map read cell by cell with its C channels contiguous (NHWC).
 */
export function roiPoolForwardInto(
  features: Float32Array,
  shape: FeatureShape,
  rois: NumericArray,
  numRois: number,
  pooledHeight: number,
  pooledWidth: number,
  spatialScale: number,
  output: Float32Array,
): Float32Array {
  const [, h, w, c] = shape;
  const rows = new Int32Array(2 * pooledHeight);
  const cols = new Int32Array(2 * pooledWidth);
  const best = new Float32Array(c);
  const perRoi = pooledHeight * pooledWidth * c;
  for (let r = 0; r < numRois; r += 1) {
    const batch = roiBinsInto(rois, r, shape, spatialScale, rows, cols);
    const roiOut = r * perRoi;
    if (batch < 0) {
      output.fill(0, roiOut, roiOut + perRoi);
      continue;
    }
    const plane = batch * h;
    for (let ph = 0; ph < pooledHeight; ph += 1) {
      const hs = rows[2 * ph];
      const he = rows[2 * ph + 1];
      for (let pw = 0; pw < pooledWidth; pw += 1) {
        const out = roiOut + (ph * pooledWidth + pw) * c;
        const ws = cols[2 * pw];
        const we = cols[2 * pw + 1];
        if (he <= hs || we <= ws) {
          output.fill(0, out, out + c); // empty bin
          continue;
        }
        best.fill(-FLT_MAX);
        for (let y = hs; y < he; y += 1) {
          const end = ((plane + y) * w + we) * c;
          for (let base = ((plane + y) * w + ws) * c; base < end; base += c) {
            for (let ch = 0; ch < c; ch += 1) {
              const v = features[base + ch];
              const b = best[ch];
              best[ch] = v > b ? v : b;
            }
          }
        }
        output.set(best, out);
      }
    }
  }
  return output;
}

export interface RoiPoolResult {
  /** [R, PH, PW, C] */
  readonly output: Float32Array;
  /** [R, PH, PW, C], plane-local h * W + w of the maximum, -1 for an empty bin. */
  readonly argmax: Int32Array;
}

export function roiPoolForwardImpl(
  features: NumericArray,
  shape: FeatureShape,
  rois: NumericArray,
  numRois: number,
  pooledHeight: number,
  pooledWidth: number,
  spatialScale: number,
): RoiPoolResult {
  const [, h, w, c] = shape;
  const size = numRois * pooledHeight * pooledWidth * c;
  const output = new Float32Array(size);
  const argmax = new Int32Array(size).fill(-1);
  // Channels innermost: the map is NHWC, so each cell's C values are contiguous. Cells are visited in row-major
  // order and only a strictly greater value replaces the best, so ties still go to the first maximum.
  for (let r = 0; r < numRois; r += 1) {
    const { batch, rows, cols } = roiBins(rois, r, shape, pooledHeight, pooledWidth, spatialScale);
    for (let ph = 0; ph < pooledHeight; ph += 1) {
      for (let pw = 0; pw < pooledWidth; pw += 1) {
        const out = ((r * pooledHeight + ph) * pooledWidth + pw) * c;
        const hs = rows[2 * ph], he = rows[2 * ph + 1], ws = cols[2 * pw], we = cols[2 * pw + 1];
        if (he <= hs || we <= ws) continue; // empty bin: 0, argmax -1
        output.fill(-FLT_MAX, out, out + c);
        for (let y = hs; y < he; y += 1) {
          for (let x = ws; x < we; x += 1) {
            const cell = y * w + x;
            const base = ((batch * h + y) * w + x) * c;
            for (let ch = 0; ch < c; ch += 1) {
              const v = features[base + ch];
              if (v > output[out + ch]) {
                output[out + ch] = v;
                argmax[out + ch] = cell;
              }
            }
          }
        }
      }
    }
  }
  return { output, argmax };
}

/**
 * Routes each output gradient to its argmax (Eq. 4 of the paper), summing in output order (r, ph, pw): the
 * float32 sums are the same bits as the WebGL kernel's and, up to 512 RoIs, the WebGPU kernel's, which add in that
 * order too. Tests pass a Float64Array `dx` for exact sums.
 */
export function roiPoolBackwardImpl<Sums extends Float32Array | Float64Array = Float32Array>(
  dy: NumericArray,
  argmax: Int32Array,
  shape: FeatureShape,
  rois: NumericArray,
  numRois: number,
  dx: Sums = new Float32Array(shape.reduce((a, b) => a * b, 1)) as Sums,
): Sums {
  const [, h, w, c] = shape;
  const perRoi = argmax.length / Math.max(numRois, 1);
  for (let r = 0; r < numRois; r += 1) {
    const plane = Math.trunc(rois[r * ROI_COLUMNS]) * h * w;
    for (let i = r * perRoi; i < (r + 1) * perRoi; i += 1) {
      const at = argmax[i];
      if (at >= 0) dx[(plane + at) * c + (i % c)] += dy[i];
    }
  }
  return dx;
}
