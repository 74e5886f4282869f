/** Caffe's "multistep" learning-rate policy: baseLr · gamma^(number of steps already reached). */
import type { SolverConfig } from './defaults';

export function learningRateAt(iteration: number, solver: Pick<SolverConfig, 'baseLr' | 'gamma' | 'steps'>): number {
  const passed = solver.steps.filter((step) => iteration >= step).length;
  return solver.baseLr * solver.gamma ** passed;
}
