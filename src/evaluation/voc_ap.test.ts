import { describe, expect, it } from 'vitest';
import { areaAp, voc07ElevenPointAp } from './voc_ap';

describe('voc07ElevenPointAp', () => {
  it('averages the best precision at recall >= k*0.1 over 11 points', () => {
    // recall reaches 0.5 at precision 1, then 1.0 at precision 0.5: 6 points at 1, 5 points at 0.5
    expect(voc07ElevenPointAp([0.5, 1], [1, 0.5])).toBeCloseTo(8.5 / 11, 15);
  });

  it('uses t = k*0.1, so recall 0.3 does not reach t = 0.30000000000000004', () => {
    expect(3 * 0.1).toBeGreaterThan(0.3);
    expect(voc07ElevenPointAp([0.3], [1])).toBeCloseTo(3 / 11, 15); // t = 0, 0.1, 0.2 only
  });

  it('is 0 for an empty curve and 1 for a perfect one', () => {
    expect(voc07ElevenPointAp([], [])).toBe(0);
    expect(voc07ElevenPointAp([0.5, 1], [1, 1])).toBeCloseTo(1, 15);
    expect(() => voc07ElevenPointAp([1], [])).toThrow(/same length/);
  });
});

describe('areaAp', () => {
  it('integrates the monotone envelope over recall steps', () => {
    // envelope: 1 up to recall 0.5, then 0.5 up to 1
    expect(areaAp([0.5, 0.5, 0.5, 0.5, 1], [1, 0.5, 0.5, 1 / 3, 0.5])).toBeCloseTo(0.75, 15);
  });

  it('lets a later, higher precision lift earlier points', () => {
    expect(areaAp([0.25, 0.5], [0.5, 1])).toBeCloseTo(0.5, 15);
  });

  it('is 0 for an empty curve and 1 for a perfect one', () => {
    expect(areaAp([], [])).toBe(0);
    expect(areaAp([0.5, 1], [1, 1])).toBe(1);
  });
});
