import { describe, expect, it } from 'vitest';
import { hitTest } from './hit_test';

describe('hitTest', () => {
  const items = [
    { key: 'big', box: [0, 0, 100, 100] as const },
    { key: 'small', box: [40, 40, 60, 60] as const },
  ];

  it('picks the smallest box under the point', () => {
    expect(hitTest(items, { x: 50, y: 50 })).toBe('small');
    expect(hitTest(items, { x: 10, y: 10 })).toBe('big');
  });

  it('misses outside every box unless within the tolerance', () => {
    expect(hitTest(items, { x: 103, y: 50 })).toBeNull();
    expect(hitTest(items, { x: 103, y: 50 }, 4)).toBe('big');
  });
});
