import { describe, expect, it } from 'vitest';
import { decodeHalf, encodeHalf } from './half';

describe('float16 round trip', () => {
  it('is exact for representable values and close (2^-11 relative) for the rest', () => {
    const exact = [0, 1, -2, 0.5, 65504, 2 ** -24, -0.375];
    expect(Array.from(decodeHalf(encodeHalf(exact)))).toEqual(exact);
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 ** ((i % 7) - 3));
    decodeHalf(encodeHalf(values)).forEach((v, i) => {
      expect(Math.abs(v - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -11 + 2 ** -25);
    });
  });

  it('keeps Inf and NaN', () => {
    const d = decodeHalf(encodeHalf([Infinity, -Infinity, NaN, 1e6]));
    expect([d[0], d[1], Number.isNaN(d[2]), d[3]]).toEqual([Infinity, -Infinity, true, Infinity]);
  });
});
