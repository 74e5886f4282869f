import { describe, expect, it } from 'vitest';
import { estimateRun, formatDuration } from './estimate';

const BCCD = { width: 640, height: 480 };

describe('estimateRun', () => {
  it('reproduces the measured run it was calibrated on (4 images, 30 iterations: about 95 s)', () => {
    const e = estimateRun({ train: [BCCD, BCCD, BCCD, BCCD], test: [], iterations: 30, scale: 600, maxSize: 1000, flipped: true, needProposals: 4 });
    expect(e.phases.proposals).toBeCloseTo(8.4, 1);
    expect(e.phases.features).toBeCloseTo(11.1, 0);
    expect(e.phases.training).toBeCloseTo(55.2, 0);
    expect(e.seconds).toBeGreaterThan(70);
    expect(e.seconds).toBeLessThan(100);
    // 8 cached copies of 50 x 38 x 528 float16 values (2 MB each) plus the model
    expect(e.bytes / 1e6).toBeGreaterThan(30);
    expect(e.bytes / 1e6).toBeLessThan(50);
  });

  it('grows with images and iterations, shrinks with the scale; cached proposals cost nothing', () => {
    const base = { train: [BCCD], test: [BCCD], iterations: 10, scale: 600, maxSize: 1000, flipped: true, needProposals: 2 };
    expect(estimateRun({ ...base, iterations: 20 }).seconds).toBeGreaterThan(estimateRun(base).seconds);
    expect(estimateRun({ ...base, scale: 300 }).seconds).toBeLessThan(estimateRun(base).seconds);
    expect(estimateRun({ ...base, scale: 300 }).bytes).toBeLessThan(estimateRun(base).bytes);
    expect(estimateRun({ ...base, needProposals: 0 }).phases.proposals).toBe(0);
  });

  it('counts every training copy: vertical flips double the mirrored ones', () => {
    const base = { train: [BCCD], test: [], iterations: 10, scale: 600, maxSize: 1000, flipped: true, needProposals: 0 };
    const both = estimateRun({ ...base, verticalFlips: true });
    expect(both.phases.features).toBeCloseTo(2 * estimateRun(base).phases.features, 9);
    expect(both.bytes).toBeGreaterThan(estimateRun(base).bytes);
  });
});

describe('formatDuration', () => {
  it('reads as a person would say it', () => {
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(95)).toBe('1 min 35 s');
    expect(formatDuration(3725)).toBe('1 h 02 min');
  });
});
