import { describe, expect, it } from 'vitest';
import { TEXTURE_AXES, TEXTURE_BINS, computeTextureCodes } from './texture';

/** One channel, 5x3, brightness rising to the right (or left) by 10 per column. */
function ramp(direction: 1 | -1) {
  const plane = Float32Array.from({ length: 15 }, (_, p) => 100 + direction * 10 * (p % 5));
  return computeTextureCodes({ width: 5, height: 3, channels: [plane] });
}

describe('texture codes', () => {
  it('a rightward ramp is a strong positive x derivative, half as strong on the diagonals, none along y', () => {
    const { codes, axisCount } = ramp(1);
    expect(axisCount).toBe(TEXTURE_AXES);
    const centre = 7 * axisCount; // pixel (2, 1)
    expect(codes[centre]).toBe(TEXTURE_BINS - 1); // 0 degrees: the largest gradient -> top bin
    expect(codes[centre + 1]).toBe(7); // 45 degrees: cos 45 of it -> bin 7
    expect(codes[centre + 2]).toBe(0); // 90 degrees: flat
    expect(codes[centre + 3]).toBe(TEXTURE_BINS + 7); // 135 degrees: negative half, bin 7
  });

  it('a leftward ramp lands in the negative half of the x axis', () => {
    const { codes, axisCount } = ramp(-1);
    expect(codes[7 * axisCount]).toBe(2 * TEXTURE_BINS - 1);
  });
});
