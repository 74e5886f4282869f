import { describe, expect, it } from 'vitest';
import { toColorSpace } from './color_space';

const pixel = (r: number, g: number, b: number) => ({ width: 1, height: 1, data: new Uint8ClampedArray([r, g, b, 255]) });
const valuesOf = (r: number, g: number, b: number, space: Parameters<typeof toColorSpace>[1]) =>
  toColorSpace(pixel(r, g, b), space).channels.map((c) => c[0]);

describe('toColorSpace', () => {
  it('hsv: pure green has hue 120 degrees (85 of 255), full saturation and value', () => {
    const [h, s, v] = valuesOf(0, 255, 0, 'hsv');
    expect(h).toBeCloseTo(85, 4);
    expect(s).toBeCloseTo(255, 4);
    expect(v).toBe(255);
  });

  it('lab: white is L = 100 (255) with a = b = 0 (128); black is L = 0', () => {
    const white = valuesOf(255, 255, 255, 'lab');
    expect(white[0]).toBeCloseTo(255, 1);
    expect(white[1]).toBeCloseTo(128, 1);
    expect(white[2]).toBeCloseTo(128, 1);
    expect(valuesOf(0, 0, 0, 'lab')[0]).toBeCloseTo(0, 4);
  });

  it('lab: pure red matches the CIE reference (L 53.24, a 80.09, b 67.20)', () => {
    const [l, a, b] = valuesOf(255, 0, 0, 'lab');
    expect(l / 2.55).toBeCloseTo(53.24, 1);
    expect(a - 128).toBeCloseTo(80.09, 0);
    expect(b - 128).toBeCloseTo(67.2, 0);
  });

  it('rgI: normalised r and g plus intensity; single-channel spaces have one plane', () => {
    const [r, g, i] = valuesOf(60, 30, 30, 'rgi');
    expect(r).toBeCloseTo(127.5, 4);
    expect(g).toBeCloseTo(63.75, 4);
    expect(i).toBeCloseTo(40, 4);
    expect(toColorSpace(pixel(1, 2, 3), 'i').channels).toHaveLength(1);
    expect(toColorSpace(pixel(1, 2, 3), 'h').channels).toHaveLength(1);
  });
});
