import { describe, expect, it } from 'vitest';
import { DEFAULT_SOLVER, scaledSolver } from './defaults';
import { learningRateAt } from './lr_schedule';

describe('learningRateAt', () => {
  it('follows the paper: 1e-3 for 30k iterations, then 1e-4', () => {
    expect(learningRateAt(0, DEFAULT_SOLVER)).toBe(1e-3);
    expect(learningRateAt(29999, DEFAULT_SOLVER)).toBe(1e-3);
    expect(learningRateAt(30000, DEFAULT_SOLVER)).toBeCloseTo(1e-4, 12);
  });

  it('applies gamma once per step passed', () => {
    const s = { baseLr: 0.01, gamma: 0.5, steps: [10, 20] };
    expect([0, 10, 19, 20, 99].map((i) => learningRateAt(i, s))).toEqual([0.01, 0.005, 0.005, 0.0025, 0.0025]);
  });

  it('scales the schedule to a short run (step at 3/4)', () => {
    expect(scaledSolver(800).steps).toEqual([600]);
  });
});
