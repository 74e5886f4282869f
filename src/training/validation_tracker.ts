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

export class ValidationTracker {
  readonly points: ValidationPoint[] = [];
  readonly iterations: ReadonlySet<number>;
  best: { readonly iteration: number; readonly mAP: number; readonly weights: NamedArray[] } | null = null;

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
    if (!this.best || point.mAP >= this.best.mAP) {
      const weights = await Promise.all(this.params.map(async (p) => ({ name: p.name, shape: p.variable.shape, data: ((await p.variable.data()) as Float32Array).slice() })));
      this.best = { iteration, mAP: point.mAP, weights };
    }
  }

  /** Puts the best evaluation's weights back when the run ended elsewhere; returns the iteration it ends with. */
  restoreBest(lastIteration: number): number {
    if (!this.best || this.best.iteration === lastIteration) return lastIteration;
    const byName = new Map(this.params.map((p) => [p.name, p.variable]));
    for (const w of this.best.weights) {
      const value = tf.tensor(w.data, w.shape);
      byName.get(w.name)?.assign(value);
      value.dispose();
    }
    return this.best.iteration;
  }

  dispose(): void {
    this.best = null;
  }
}
