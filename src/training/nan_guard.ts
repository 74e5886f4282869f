/**
 * NaN/Inf guard (reference §10: a too-high learning rate or a bad gt box gives a NaN box loss). Before each update
 * it keeps a device-side copy of the weights and momenta; when a step's loss or gradients are not finite the update
 * is skipped, the weights go back to the copy taken before the previous update (the one that produced them), and
 * the learning rate is multiplied by `lrFactor`. A NaN model is never saved: see `assertFiniteParams`.
 */
import type * as tf from '@tensorflow/tfjs';
import type { MomentumSgd, TrainableParam } from './sgd';

export class NonFiniteTrainingError extends Error {
  override readonly name = 'NonFiniteTrainingError';
}

export class NanGuard {
  /** Multiplier applied to the scheduled learning rate (1 until a non-finite step). */
  lrScale = 1;
  /** Non-finite steps seen so far. */
  events = 0;
  private consecutive = 0;
  private previous: tf.Tensor[] | null = null;

  constructor(
    private readonly optimizer: MomentumSgd,
    private readonly options: { lrFactor: number; maxRetries: number },
  ) {}

  /** Call right before `optimizer.apply`. */
  beforeUpdate(): void {
    this.consecutive = 0;
    this.previous?.forEach((t) => t.dispose());
    this.previous = this.optimizer.snapshot();
  }

  /** Call instead of `optimizer.apply` when the step's loss or gradients are not finite. */
  onNonFinite(): void {
    this.events++;
    this.consecutive++;
    if (this.consecutive > this.options.maxRetries) {
      throw new NonFiniteTrainingError(
        `The loss stayed NaN/Inf after ${this.options.maxRetries} rollbacks; lower the learning rate or check the gt boxes.`,
      );
    }
    if (this.previous) this.optimizer.restore(this.previous);
    this.lrScale *= this.options.lrFactor;
  }

  dispose(): void {
    this.previous?.forEach((t) => t.dispose());
    this.previous = null;
  }
}

/** True when every number of `values` is finite. */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** Throws before a model with a NaN/Inf weight can be written anywhere. */
export async function assertFiniteParams(params: readonly TrainableParam[]): Promise<void> {
  for (const p of params) {
    if (!allFinite(await p.variable.data())) throw new NonFiniteTrainingError(`Refusing to save the model: ${p.name} has NaN/Inf values.`);
  }
}

/** The same for arrays already read back (checkpoints): `what` names the thing refused. */
export function assertFiniteArrays(arrays: readonly { readonly name: string; readonly data: ArrayLike<number> }[], what: string): void {
  const bad = arrays.find((a) => !allFinite(a.data));
  if (bad) throw new NonFiniteTrainingError(`Refusing to save ${what}: ${bad.name} has NaN/Inf values.`);
}
