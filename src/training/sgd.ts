/**
 * Caffe's SGD with momentum and weight decay (`SGDSolver::ComputeUpdateValue`), per parameter:
 *   v ← momentum·v + lr·lrMult·(g + weightDecay·decayMult·w);   w ← w − v
 * Weights use lrMult 1 and decayMult 1; biases lrMult 2 and decayMult 0 (FR train.prototxt).
 */
import * as tf from '@tensorflow/tfjs';
import type { SolverConfig } from './defaults';

export interface TrainableParam {
  /** Unique name (e.g. 'fc6/kernel'); checkpoints and gradients are keyed by it. */
  readonly name: string;
  readonly variable: tf.Variable;
  readonly isBias: boolean;
  /** Multiplies the learning rate (default 1): pretrained blocks below the last one learn more slowly. */
  readonly lrMult?: number;
}

export interface NamedArray {
  readonly name: string;
  readonly shape: number[];
  readonly data: Float32Array;
}

export class MomentumSgd {
  private readonly history = new Map<string, tf.Variable>();

  constructor(
    readonly params: readonly TrainableParam[],
    private readonly solver: Pick<SolverConfig, 'momentum' | 'weightDecay' | 'biasLrMult' | 'biasDecayMult'>,
  ) {
    for (const p of params) this.history.set(p.name, tf.variable(tf.zerosLike(p.variable), false));
  }

  /** One update with learning rate `lr` (already scheduled). `grads` maps param name to its gradient. */
  apply(grads: Readonly<Record<string, tf.Tensor>>, lr: number): void {
    const { momentum, weightDecay, biasLrMult, biasDecayMult } = this.solver;
    tf.tidy(() => {
      for (const p of this.params) {
        const g = grads[p.name];
        if (!g) continue; // a parameter off the loss path (e.g. bbox_pred in the stage-wise ablation)
        const rate = lr * (p.isBias ? biasLrMult : 1) * (p.lrMult ?? 1);
        const decay = weightDecay * (p.isBias ? biasDecayMult : 1);
        const v = this.history.get(p.name)!;
        const step = decay > 0 ? tf.add(g, tf.mul(p.variable, decay)) : g;
        const next = tf.add(tf.mul(v, momentum), tf.mul(step, rate));
        v.assign(next);
        p.variable.assign(tf.sub(p.variable, next));
      }
    });
  }

  /** Momentum buffers, for checkpoints. */
  async historyArrays(): Promise<NamedArray[]> {
    return Promise.all(
      this.params.map(async (p) => {
        const v = this.history.get(p.name)!;
        return { name: p.name, shape: v.shape, data: (await v.data()) as Float32Array };
      }),
    );
  }

  setHistory(arrays: readonly NamedArray[]): void {
    for (const a of arrays) this.history.get(a.name)?.assign(tf.tensor(a.data, a.shape));
  }

  /** Clones of every weight and momentum buffer (device-side, no read-back), for the NaN guard's rollback. */
  snapshot(): tf.Tensor[] {
    return [...this.params.map((p) => tf.clone(p.variable)), ...this.params.map((p) => tf.clone(this.history.get(p.name)!))];
  }

  restore(snapshot: readonly tf.Tensor[]): void {
    const n = this.params.length;
    this.params.forEach((p, i) => {
      p.variable.assign(snapshot[i]);
      this.history.get(p.name)!.assign(snapshot[n + i]);
    });
  }

  dispose(): void {
    for (const v of this.history.values()) v.dispose();
    this.history.clear();
  }
}
