/**
 * The pixel graph of Felzenszwalb-Huttenlocher: one edge per pair of neighbouring pixels, weighted by the
 * Euclidean distance of their (smoothed) colours, sorted by weight. The sort depends only on the colour space,
 * not on k, so every k of a colour space reuses it.
 */

export type Connectivity = 4 | 8;

/** E edges in non-decreasing weight order; edge e joins pixels a[e] and b[e]. */
export interface SortedEdges {
  readonly count: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly weight: Float32Array;
}

/** Weights are bucketed at 1/128 for the counting sort; order inside a bucket is generation order. */
const KEY_SCALE = 128;
const MAX_KEY = 65535;

export function buildSortedEdges(
  planes: readonly Float32Array[],
  width: number,
  height: number,
  connectivity: Connectivity = 8,
): SortedEdges {
  const raw = buildEdges(planes, width, height, connectivity);
  return countingSortEdges(raw);
}

function buildEdges(planes: readonly Float32Array[], width: number, height: number, connectivity: Connectivity) {
  // FH's neighbourhood: right, down, and for 8-connectivity down-right and up-right, so each pair appears once.
  const offsets: [number, number][] = connectivity === 8 ? [[1, 0], [0, 1], [1, 1], [1, -1]] : [[1, 0], [0, 1]];
  const capacity = width * height * offsets.length;
  const a = new Int32Array(capacity);
  const b = new Int32Array(capacity);
  const weight = new Float32Array(capacity);
  let count = 0;
  for (const [dx, dy] of offsets) {
    const x0 = 0;
    const x1 = width - dx;
    const y0 = dy < 0 ? 1 : 0;
    const y1 = dy > 0 ? height - 1 : height;
    const delta = dy * width + dx;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const p = y * width + x;
        const q = p + delta;
        let sum = 0;
        for (let c = 0; c < planes.length; c++) {
          const d = planes[c][p] - planes[c][q];
          sum += d * d;
        }
        a[count] = p;
        b[count] = q;
        weight[count] = Math.sqrt(sum);
        count++;
      }
    }
  }
  return { count, a, b, weight };
}

function countingSortEdges(raw: SortedEdges): SortedEdges {
  const { count, a, b, weight } = raw;
  const keys = new Uint16Array(count);
  const starts = new Uint32Array(MAX_KEY + 2);
  for (let e = 0; e < count; e++) {
    const k = Math.min(MAX_KEY, (weight[e] * KEY_SCALE) | 0);
    keys[e] = k;
    starts[k + 1]++;
  }
  for (let k = 1; k < starts.length; k++) starts[k] += starts[k - 1];
  const sa = new Int32Array(count);
  const sb = new Int32Array(count);
  const sw = new Float32Array(count);
  for (let e = 0; e < count; e++) {
    const slot = starts[keys[e]]++;
    sa[slot] = a[e];
    sb[slot] = b[e];
    sw[slot] = weight[e];
  }
  return { count, a: sa, b: sb, weight: sw };
}
