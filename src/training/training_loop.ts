/**
 * The iteration loop around Trainer: stages (one multi-task stage, or the stage-wise ablation's classifier stage
 * then its bbox_pred-only stage), progress events with smoothed losses, throughput and time left, pause / resume /
 * cancel between iterations, on-demand evaluation and export, and a checkpoint every `checkpointEvery` iterations.
 */
import type { TargetStats } from '../geometry/bbox_transform';
import { loseDeviceForTesting } from '../runtime/device_loss';
import { saveCheckpointOrWarn, hasIndexedDb } from './checkpoint_store';
import type { FeatureStore } from './feature_store';
import type { RoiHead } from '../model/heads';
import type { LossValues, Post, TrainJob } from './protocol';
import type { RoidbEntry } from './roidb';
import type { RunControl } from './run_control';
import type { NamedArray } from './sgd';
import { Trainer, type JointRpn, type LossMode, type TrainerOptions, type TrainerState } from './trainer';

export interface LoopDeps {
  readonly roidb: readonly RoidbEntry[];
  readonly stats: TargetStats;
  readonly head: RoiHead;
  readonly store: FeatureStore;
  readonly control: RunControl;
  readonly post: Post;
  readonly resume?: TrainerState;
  readonly evaluate: () => Promise<void>;
  readonly exportFiles: () => Promise<void>;
  readonly featureStride: number;
  readonly suffix?: TrainerOptions['suffix'];
  /** Iterations (1-based, over all stages) after which `validate` runs. */
  readonly validateAt?: ReadonlySet<number>;
  readonly validate?: (iteration: number) => Promise<void>;
  /** Feature-store key of a roidb image (default `train/<id>` of the job's train image). */
  readonly featureKey?: (imageIndex: number) => string;
  /** An RPN trained with the head (job.rpn): its loss joins the head's in every step. */
  readonly rpn?: JointRpn;
}

interface Stage {
  readonly lossMode: LossMode;
  readonly iterations: number;
  readonly trainableNames?: readonly string[];
}

const SMOOTHING = 20;

export class TrainingLoop {
  private trainer: Trainer | null = null;
  private done = 0;

  constructor(private readonly job: TrainJob, private readonly deps: LoopDeps) {}

  private stages(): Stage[] {
    const { solver, bboxRegression } = this.job.config;
    const locIterations = this.job.stageWiseLocIterations ?? 0;
    // RPN-only (job.rpnOnly): the head's loss is computed as always but only the RPN's weights learn
    if (this.job.rpnOnly && this.deps.rpn) {
      return [{ lossMode: 'multi-task', iterations: solver.iterations, trainableNames: this.deps.rpn.head.prefixedParameters().map((p) => p.name) }];
    }
    if (locIterations <= 0) return [{ lossMode: bboxRegression ? 'multi-task' : 'cls-only', iterations: solver.iterations }];
    const names = [...(this.deps.suffix?.params ?? []), ...this.deps.head.parameters()].map((p) => p.name);
    return [
      { lossMode: 'cls-only', iterations: solver.iterations, trainableNames: names.filter((n) => !n.startsWith('bbox_pred')) },
      { lossMode: 'loc-only', iterations: locIterations, trainableNames: names.filter((n) => n.startsWith('bbox_pred')) },
    ];
  }

  /** Runs every stage; returns the iterations done in total. */
  async run(): Promise<number> {
    const stages = this.stages();
    const total = stages.reduce((s, st) => s + st.iterations, 0);
    const { control, post } = this.deps;
    const t0 = performance.now();
    const startIteration = this.deps.resume?.iteration ?? 0;
    const recent: LossValues[] = [];
    let offset = 0;
    for (const [index, stage] of stages.entries()) {
      const resume = index === 0 && stages.length === 1 ? this.deps.resume : undefined;
      this.trainer?.dispose();
      this.trainer = new Trainer({
        config: { ...this.job.config, solver: { ...this.job.config.solver, iterations: stage.iterations } },
        roidb: this.deps.roidb, stats: this.deps.stats, numClasses: this.job.classNames.length, head: this.deps.head, featureStride: this.deps.featureStride,
        featuresOf: (entry) => this.deps.store.get(this.deps.featureKey?.(entry.imageIndex) ?? `train/${this.job.train[entry.imageIndex].id}`, entry.flip),
        lossMode: stage.lossMode, trainableNames: stage.trainableNames, resume, suffix: this.deps.suffix,
        poisonLossAt: this.job.testHooks?.nanLossAtIterations?.map((i) => i - offset), rpn: this.deps.rpn,
      });
      while (this.trainer.iteration < stage.iterations && !control.cancelled) {
        await control.poll();
        if (control.cancelled) break;
        if (control.isPaused) {
          post({ type: 'paused', iteration: offset + this.trainer.iteration });
          await control.waitWhilePaused();
          post({ type: 'resumed', iteration: offset + this.trainer.iteration });
          if (control.cancelled) break;
        }
        await this.serveRequests();
        if (this.job.testHooks?.loseDeviceAtIteration === offset + this.trainer.iteration + 1) loseDeviceForTesting();
        const step = await this.trainer.step();
        this.done = offset + step.iteration;
        if (!step.finite) {
          const lr = this.trainer.nextLearningRate();
          post({ type: 'nan', iteration: this.done, learningRate: lr, message: `iteration ${this.done} gave a NaN/Inf loss: the step was rolled back and the learning rate lowered to ${lr.toPrecision(2)}` });
        }
        recent.push(step.loss);
        if (recent.length > SMOOTHING) recent.shift();
        const elapsed = (performance.now() - t0) / 1000;
        const perSecond = (this.done - startIteration) / Math.max(elapsed, 1e-9);
        post({
          type: 'progress',
          progress: {
            iteration: this.done, iterations: total, loss: step.loss, smoothedLoss: mean(recent), learningRate: step.learningRate,
            imagesPerSecond: perSecond * this.job.config.sampling.imagesPerBatch, secondsLeft: (total - this.done) / Math.max(perSecond, 1e-9),
            elapsedSeconds: elapsed, nanEvents: this.trainer.guard.events, ...(step.rpn && { rpnLoss: step.rpn }),
          },
        });
        if (step.finite && this.deps.validateAt?.has(this.done)) await this.deps.validate?.(this.done);
        const every = this.job.config.checkpointEvery;
        if (stages.length === 1 && every > 0 && this.done % every === 0 && hasIndexedDb()) {
          await this.saveCheckpoint();
        }
      }
      offset += stage.iterations;
    }
    await this.serveRequests();
    return this.done;
  }

  private async serveRequests(): Promise<void> {
    const { control } = this.deps;
    if (control.evaluateRequested) {
      control.evaluateRequested = false;
      await this.deps.evaluate();
    }
    if (control.exportRequested) {
      control.exportRequested = false;
      await this.deps.exportFiles();
    }
  }

  /** Stores the current weights and solver state (a full quota is a 'warning' event, not the end of the run). */
  async saveCheckpoint(): Promise<void> {
    const { post } = this.deps;
    const checkpoint = { runId: this.job.runId, iteration: this.done, weights: await this.weights(), trainer: await this.state(), savedAt: Date.now() };
    if (await saveCheckpointOrWarn(checkpoint, (message) => post({ type: 'warning', message }))) post({ type: 'checkpoint', iteration: this.done });
  }

  private async weights(): Promise<NamedArray[]> {
    const rpn = this.deps.rpn?.head.prefixedParameters() ?? [];
    return Promise.all([...(this.deps.suffix?.params ?? []), ...this.deps.head.parameters(), ...rpn].map(async (p) => ({ name: p.name, shape: p.variable.shape, data: (await p.variable.data()) as Float32Array })));
  }

  private async state(): Promise<TrainerState> {
    if (!this.trainer) throw new Error('no trainer yet');
    return this.trainer.state();
  }

  dispose(): void {
    this.trainer?.dispose();
    this.trainer = null;
  }
}

function mean(values: readonly LossValues[]): LossValues {
  const n = Math.max(1, values.length);
  return {
    cls: values.reduce((s, v) => s + v.cls, 0) / n,
    loc: values.reduce((s, v) => s + v.loc, 0) / n,
    total: values.reduce((s, v) => s + v.total, 0) / n,
  };
}
