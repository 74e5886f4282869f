/**
 * Validation during a run: VOC07 mAP on the job's validation images at the recipe's iterations, each point posted
 * (the Train tab draws the curve), and a copy of the weights of the best point so far. When the run ends, the
 * weights of its best evaluation are put back (ties go to the later iteration): the iteration is chosen on
 * validation, never on the test images.
 */
import * as tf from '@tensorflow/tfjs';
import type { EvaluationSummary, Post, TrainJob, ValidationPoint } from './protocol';
import { validationIterations } from './recipe';
import type { NamedArray } from './sgd';

export interface TrainedParameter {
  readonly name: string;
  readonly variable: tf.Variable;
}

/** Copies of some variables' values, to put back later (by name). */
export class WeightSnapshot {
  private constructor(readonly arrays: readonly NamedArray[]) {}

  static async take(params: readonly TrainedParameter[]): Promise<WeightSnapshot> {
    return new WeightSnapshot(await Promise.all(params.map(async (p) => ({ name: p.name, shape: p.variable.shape, data: ((await p.variable.data()) as Float32Array).slice() }))));
  }

  /** Assigns the saved values to the variables of the same names among `params` (default: those it was taken from). */
  restoreInto(params: readonly TrainedParameter[]): void {
    const byName = new Map(params.map((p) => [p.name, p.variable]));
    for (const w of this.arrays) {
      const value = tf.tensor(w.data, w.shape);
      byName.get(w.name)?.assign(value);
      value.dispose();
    }
  }
}

export class ValidationTracker {
  readonly points: ValidationPoint[] = [];
  readonly iterations: ReadonlySet<number>;
  best: { readonly iteration: number; readonly mAP: number; readonly weights: WeightSnapshot } | null = null;

  constructor(
    job: TrainJob,
    private readonly params: readonly TrainedParameter[],
    private readonly run: () => Promise<EvaluationSummary>,
    private readonly post: Post,
  ) {
    const total = job.config.solver.iterations + (job.stageWiseLocIterations ?? 0);
    this.iterations = new Set((job.validation?.length ?? 0) > 0 ? validationIterations(total, job.validateEvery ?? 0) : []);
  }

  get enabled(): boolean {
    return this.iterations.size > 0;
  }

  evaluated(iteration: number): boolean {
    return this.points.some((p) => p.iteration === iteration);
  }

  async evaluate(iteration: number): Promise<void> {
    const summary = await this.run();
    const point: ValidationPoint = { iteration, mAP: summary.metric.voc07.mAP, perClass: summary.metric.voc07.perClass };
    this.points.push(point);
    this.post({ type: 'validation', point });
    if (!this.best || point.mAP >= this.best.mAP) this.best = { iteration, mAP: point.mAP, weights: await WeightSnapshot.take(this.params) };
  }

  /** Puts the best evaluation's weights back when the run ended elsewhere; returns the iteration it ends with. */
  restoreBest(lastIteration: number): number {
    if (!this.best || this.best.iteration === lastIteration) return lastIteration;
    this.best.weights.restoreInto(this.params);
    return this.best.iteration;
  }

  /** The best evaluation's weights into other variables of the same names (a new head). */
  restoreInto(params: readonly TrainedParameter[]): void {
    this.best?.weights.restoreInto(params);
  }

  dispose(): void {
    this.best = null;
  }
}
