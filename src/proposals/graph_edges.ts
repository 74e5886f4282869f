/**
 * The pixel graph of Felzenszwalb-Huttenlocher: one edge per pair of neighbouring pixels, weighted by the
 * Euclidean distance of their (smoothed) colours, sorted by weight. The sort depends only on the colour space,
 * not on k, so every k of a colour space reuses it.
 *
 * Weights are quantised to 1/128 of a colour unit (channels span 0..255) and sorted by a counting sort over the
 * quantised values; an edge's weight is then its bucket, so no weight array is kept. An edge is stored as one
 * int, pixel * 4 + direction, and its second pixel is pixel + offsets[direction].
 */

export type Connectivity = 4 | 8;

export interface SortedEdges {
  readonly count: number;
  /** Edge ids (pixel << 2 | direction) in non-decreasing weight order. */
  readonly ids: Int32Array;
  /** Edges of weight bucket q are ids[bucketStart[q] .. bucketStart[q + 1]); bucket q has weight q / WEIGHT_SCALE. */
  readonly bucketStart: Uint32Array;
  /** Pixel offset of each direction. */
  readonly offsets: Int32Array;
}

export const WEIGHT_SCALE = 128;
const MAX_BUCKET = 65535;

export function buildSortedEdges(
  planes: readonly Float32Array[],
  width: number,
  height: number,
  connectivity: Connectivity = 8,
): SortedEdges {
  // FH's neighbourhood: right, down, and for 8-connectivity down-right and up-right, so each pair appears once.
  const steps: readonly (readonly [number, number])[] =
    connectivity === 8 ? [[1, 0], [0, 1], [1, 1], [1, -1]] : [[1, 0], [0, 1]];
  const n = width * height;
  const keys = new Uint16Array(4 * n);
  const valid = new Uint8Array(4 * n);
  const counts = new Uint32Array(MAX_BUCKET + 2);
  const offsets = new Int32Array(4);
  steps.forEach(([dx, dy], dir) => {
    offsets[dir] = dy * width + dx;
    weighDirection(planes, width, height, dx, dy, dir, keys, valid, counts);
  });
  const bucketStart = new Uint32Array(MAX_BUCKET + 2);
  for (let q = 0; q <= MAX_BUCKET; q++) bucketStart[q + 1] = bucketStart[q] + counts[q];
  const count = bucketStart[MAX_BUCKET + 1];
  const ids = new Int32Array(count);
  const fill = bucketStart.slice();
  for (let id = 0; id < 4 * n; id++) if (valid[id]) ids[fill[keys[id]]++] = id;
  return { count, ids, bucketStart, offsets };
}

function weighDirection(
  planes: readonly Float32Array[],
  width: number,
  height: number,
  dx: number,
  dy: number,
  dir: number,
  keys: Uint16Array,
  valid: Uint8Array,
  counts: Uint32Array,
): void {
  const delta = dy * width + dx;
  const y0 = dy < 0 ? 1 : 0;
  const y1 = dy > 0 ? height - 1 : height;
  if (planes.length !== 1 && planes.length !== 3) throw new Error(`expected 1 or 3 colour planes, got ${planes.length}`);
  const channels = planes.length;
  const p0 = planes[0];
  const p1 = planes[channels - 2] ?? p0;
  const p2 = planes[channels - 1];
  for (let y = y0; y < y1; y++) {
    for (let x = 0, p = y * width; x < width - dx; x++, p++) {
      const q = p + delta;
      const d0 = p0[p] - p0[q];
      let sum = d0 * d0;
      if (channels === 3) {
        const d1 = p1[p] - p1[q];
        const d2 = p2[p] - p2[q];
        sum += d1 * d1 + d2 * d2;
      }
      const key = Math.min(MAX_BUCKET, (Math.sqrt(sum) * WEIGHT_SCALE) | 0);
      const id = (p << 2) | dir;
      keys[id] = key;
      valid[id] = 1;
      counts[key]++;
    }
  }
}
