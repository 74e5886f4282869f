import { describe, expect, it } from 'vitest';
import { COLOR_BINS, colorHistograms, intersectRows, mergeRows, textureHistograms, withCapacity } from './histograms';
import { TEXTURE_BINS } from './texture';

const planar = (values: number[]) => ({ width: values.length, height: 1, channels: [Float32Array.from(values)] });

describe('region histograms', () => {
  it('colour rows are L1-normalised counts of 25 bins per channel', () => {
    // Region 0: values 0, 0, 255; region 1: value 128.
    const table = colorHistograms(planar([0, 0, 255, 128]), Int32Array.from([0, 0, 0, 1]), 2);
    expect(table.bins).toBe(COLOR_BINS);
    expect(table.data[0]).toBeCloseTo(2 / 3);
    expect(table.data[24]).toBeCloseTo(1 / 3);
    expect(table.data[COLOR_BINS + 12]).toBe(1);
  });

  it('intersection is 1 for equal rows and 0 for disjoint ones; merge is the size-weighted mean', () => {
    const table = withCapacity(colorHistograms(planar([0, 0, 255, 255]), Int32Array.from([0, 1, 2, 3]), 4), 4, 5);
    expect(intersectRows(table, 0, 1)).toBeCloseTo(1);
    expect(intersectRows(table, 0, 2)).toBe(0);
    mergeRows(table, 0, 3, 2, 1, 4);
    expect(table.data[4 * COLOR_BINS]).toBeCloseTo(0.75);
    expect(table.data[4 * COLOR_BINS + 24]).toBeCloseTo(0.25);
    expect(intersectRows(table, 4, 0)).toBeCloseTo(0.75);
  });

  it('texture rows count a pixel in its bin of one half and in bin 0 of the other half', () => {
    // One axis; pixel 0 has positive bin 3 (code 3), pixel 1 negative bin 7 (code 17).
    const texture = { codes: Uint8Array.from([3, 17]), axisCount: 1, pixelCount: 2 };
    const row = textureHistograms(texture, Int32Array.from([0, 0]), 1).data;
    const expected = new Float32Array(2 * TEXTURE_BINS);
    expected[3] = 1; // pixel 0, positive half
    expected[0] = 1; // pixel 1 has no positive response
    expected[TEXTURE_BINS + 7] = 1; // pixel 1, negative half
    expected[TEXTURE_BINS] = 1; // pixel 0 has no negative response
    expect(Array.from(row)).toEqual(Array.from(expected, (v) => v / 4));
  });
});
