import { describe, expect, it } from 'vitest';
import { estimateRun, formatDuration } from './estimate';

const BCCD = { width: 640, height: 480 };

describe('estimateRun', () => {
  it('reproduces the measured run it was calibrated on (the BCCD default of 2026-11-25: 14.4 min)', () => {
    // 292 trainval images and their mirrors, 72 test images, scale 800, 1800 iterations, every proposal computed;
    // measured: proposals 1.0 min, features 2.5, SGD 10.5, evaluation 0.4
    const e = estimateRun({
      train: new Array(292).fill(BCCD), test: new Array(72).fill(BCCD), iterations: 1800, scale: 800, maxSize: 1100, flipped: true, needProposals: 364,
    });
    expect(e.phases.proposals / 60).toBeCloseTo(1.2, 1);
    expect(e.phases.features / 60).toBeGreaterThan(2.3);
    expect(e.phases.features / 60).toBeLessThan(3.0);
    expect(e.phases.training / 60).toBeGreaterThan(10);
    expect(e.phases.training / 60).toBeLessThan(11.5);
    expect(e.phases.validating / 60).toBeCloseTo(0.45, 1);
    expect(e.seconds / 60).toBeGreaterThan(14);
    expect(e.seconds / 60).toBeLessThan(16);
    // 656 cached copies of 67 x 50 x 528 float16 values (3.5 MB each) plus the model
    expect(e.bytes / 1e9).toBeGreaterThan(2);
    expect(e.bytes / 1e9).toBeLessThan(2.5);
  });

  it('counts each validation evaluation', () => {
    const base = { train: [BCCD], test: [], iterations: 10, scale: 600, maxSize: 1000, flipped: true, needProposals: 0 };
    const validated = estimateRun({ ...base, validation: { images: [BCCD, BCCD], evaluations: 5 } });
    expect(validated.phases.validating).toBeCloseTo(10 * 0.3, 9);
    expect(validated.phases.features).toBeGreaterThan(estimateRun(base).phases.features);
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
