/**
 * Region histograms of selective search (paper §3.2): colour, 25 bins per channel, and texture, 10 bins per
 * orientation per channel, each L1-normalised over all its bins. Rows are regions; a merged region's row is the
 * size-weighted mean of its parts' rows (paper Eq. 2), so no pixel is read again after the initial regions.
 */
import type { PlanarImage } from './color_space';
import type { TextureCodes } from './texture';
import { TEXTURE_BINS } from './texture';

export const COLOR_BINS = 25;

/** R rows of B bins, row-major in a buffer with room for `capacity` rows. */
export interface HistogramTable {
  readonly bins: number;
  readonly data: Float32Array;
}

export function colorHistograms(image: PlanarImage, labels: Int32Array, regions: number, capacity = regions): HistogramTable {
  const channels = image.channels;
  const bins = COLOR_BINS * channels.length;
  const data = new Float32Array(bins * capacity);
  const scale = COLOR_BINS / 256;
  channels.forEach((plane, c) => {
    const offset = c * COLOR_BINS;
    for (let p = 0; p < labels.length; p++) {
      data[labels[p] * bins + offset + ((plane[p] * scale) | 0)]++;
    }
  });
  normaliseRows(data, bins, regions);
  return { bins, data };
}

/**
 * Texture rows: per signed axis, 10 bins of the positive half then 10 of the negative half. A pixel coded in one
 * half also counts in bin 0 of the other (its response there is 0), which is added after the pixel pass.
 */
export function textureHistograms(texture: TextureCodes, labels: Int32Array, regions: number, capacity = regions): HistogramTable {
  const axes = texture.axisCount;
  const halfBins = TEXTURE_BINS;
  const bins = axes * 2 * halfBins;
  const data = new Float32Array(bins * capacity);
  const codes = texture.codes;
  for (let p = 0, c = 0; p < labels.length; p++) {
    const row = labels[p] * bins;
    for (let a = 0; a < axes; a++, c++) data[row + a * 2 * halfBins + codes[c]]++;
  }
  for (let r = 0; r < regions; r++) {
    for (let a = 0; a < axes; a++) {
      const o = r * bins + a * 2 * halfBins;
      let pos = 0;
      let neg = 0;
      for (let i = 0; i < halfBins; i++) {
        pos += data[o + i];
        neg += data[o + halfBins + i];
      }
      data[o] += neg;
      data[o + halfBins] += pos;
    }
  }
  normaliseRows(data, bins, regions);
  return { bins, data };
}

function normaliseRows(data: Float32Array, bins: number, rows: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * bins;
    let sum = 0;
    for (let i = 0; i < bins; i++) sum += data[o + i];
    if (sum > 0) for (let i = 0; i < bins; i++) data[o + i] /= sum;
  }
}

/** Row `target` = size-weighted mean of rows a and b (paper Eq. 2). */
export function mergeRows(table: HistogramTable, a: number, sizeA: number, b: number, sizeB: number, target: number): void {
  const { bins, data } = table;
  const wa = sizeA / (sizeA + sizeB);
  const wb = 1 - wa;
  const oa = a * bins;
  const ob = b * bins;
  const ot = target * bins;
  for (let i = 0; i < bins; i++) data[ot + i] = wa * data[oa + i] + wb * data[ob + i];
}

/** Histogram intersection of rows a and b: sum of bin-wise minima, in [0, 1] for L1-normalised rows. */
export function intersectRows(table: HistogramTable, a: number, b: number): number {
  const { bins, data } = table;
  const oa = a * bins;
  const ob = b * bins;
  let s = 0;
  for (let i = 0; i < bins; i++) {
    const x = data[oa + i];
    const y = data[ob + i];
    s += x < y ? x : y;
  }
  return s;
}

/** A table with room for `capacity` rows whose first rows are a copy of `table`'s first `rows` rows. */
export function withCapacity(table: HistogramTable, rows: number, capacity: number): HistogramTable {
  const data = new Float32Array(table.bins * capacity);
  data.set(table.data.subarray(0, table.bins * rows));
  return { bins: table.bins, data };
}
