/**
 * One SGD iteration of Fast R-CNN fine-tuning (paper §2.3), independent of where it runs:
 * 1. pick N images (ImageOrder) and sample R/N RoIs from each (sampler.ts);
 * 2. fetch each image's cached frozen-prefix features and scale its RoIs to the features' input size;
 * 3. forward the head, multi-task loss (loss.ts), gradients of the trainable parameters;
 * 4. NaN guard: a non-finite loss or gradient rolls back and lowers the learning rate instead of updating;
 * 5. Caffe SGD update at the scheduled learning rate.
 *
 * Shapes: R RoIs in the batch, K foreground classes.
 */
import * as tf from '@tensorflow/tfjs';
import type { TargetStats } from '../geometry/bbox_transform';
import type { TrainConfig } from './defaults';
import type { RoiHead } from '../model/heads';
import { multiTaskLoss } from './loss';
import { learningRateAt } from './lr_schedule';
import { NanGuard, allFinite } from './nan_guard';
import type { RoidbEntry } from './roidb';
import { createRng, type Rng } from './rng';
import { ImageOrder, sampleRoisForImage, type ImageOrderState } from './sampler';
import { MomentumSgd, type NamedArray, type TrainableParam } from './sgd';
import { bboxTargetBlob } from './targets';

/** Which loss drives the update: both terms (the paper), or one stage of the stage-wise ablation (Table 6). */
export type LossMode = 'multi-task' | 'cls-only' | 'loc-only';

/** One image's contribution to a forward pass: its map [1, H, W, C] and its RoIs [R, 4] in the scaled input's pixels. */
export interface ImageRois {
  readonly features: tf.Tensor4D;
  readonly rois: Float32Array;
}

/**
 * The head over several images' RoIs: reduce each map, pool its RoIs (the src/kernels roiPool op on every
 * backend), concatenate in image order, then fc6/fc7/cls_score/bbox_pred.
 */
export function headOutputs(
  head: RoiHead, images: readonly ImageRois[], featureStride: number, training: boolean, suffix?: (prefix: tf.Tensor4D) => tf.Tensor4D,
): { logits: tf.Tensor2D; deltas: tf.Tensor2D } {
  const pooled = images.map(({ features: cached, rois }) => {
    const features = suffix ? suffix(cached) : cached;
    const r = rois.length / 4;
    const rows = new Float32Array(r * 5); // (batch index 0, x1, y1, x2, y2)
    for (let i = 0; i < r; i++) rows.set(rois.subarray(4 * i, 4 * i + 4), 5 * i + 1);
    return head.poolRois(head.reduce(features), tf.tensor2d(rows, [r, 5]), 1 / featureStride);
  });
  const all = pooled.length === 1 ? pooled[0] : tf.concat(pooled, 0);
  const out = head.forward(all, { training });
  return { logits: out.clsScore, deltas: out.bboxPred };
}

/** Cached features of one roidb entry on the training backend, and the scale from image pixels to them. */
export interface EntryFeatures {
  readonly features: tf.Tensor4D;
  readonly scale: number;
}

export interface StepResult {
  readonly iteration: number;
  readonly loss: { readonly cls: number; readonly loc: number; readonly total: number };
  readonly learningRate: number;
  readonly rois: number;
  readonly foreground: number;
  /** False when the NaN guard rolled the step back. */
  readonly finite: boolean;
}

export interface TrainerState {
  readonly iteration: number;
  readonly order: ImageOrderState;
  readonly lrScale: number;
  readonly history: NamedArray[];
}

export interface TrainerOptions {
  readonly config: TrainConfig;
  readonly roidb: readonly RoidbEntry[];
  readonly stats: TargetStats;
  readonly numClasses: number;
  readonly head: RoiHead;
  /** Input pixels per feature cell (16 at the MobileNetV3 tap). */
  readonly featureStride: number;
  /** Features of an entry; the trainer disposes the tensor after the step. */
  readonly featuresOf: (entry: RoidbEntry) => EntryFeatures;
  readonly lossMode?: LossMode;
  /** Trainable conv blocks between the cached prefix and the head (conv fine-tuning), with their weights. */
  readonly suffix?: { readonly forward: (prefix: tf.Tensor4D) => tf.Tensor4D; readonly params: readonly TrainableParam[] };
  /** Only these parameters learn (default: all of the head's, and the suffix's). */
  readonly trainableNames?: readonly string[];
  readonly resume?: TrainerState;
  /** Test hook: these iterations (1-based) get a NaN loss, as a diverging step would. */
  readonly poisonLossAt?: readonly number[];
}

export class Trainer {
  iteration: number;
  readonly optimizer: MomentumSgd;
  readonly guard: NanGuard;
  private readonly order: ImageOrder;
  private readonly rng: Rng;
  private readonly lossMode: LossMode;

  constructor(private readonly options: TrainerOptions) {
    const { config, head, resume } = options;
    const names = options.trainableNames;
    const all = [...(options.suffix?.params ?? []), ...head.parameters()];
    const params = all.filter((p) => !names || names.includes(p.name));
    this.optimizer = new MomentumSgd(params, config.solver);
    this.guard = new NanGuard(this.optimizer, { lrFactor: config.nanLrFactor, maxRetries: config.maxNanRetries });
    this.iteration = resume?.iteration ?? 0;
    this.rng = createRng(config.seed + this.iteration);
    this.order = new ImageOrder(options.roidb.length, this.rng, resume?.order);
    this.lossMode = options.lossMode ?? (config.bboxRegression ? 'multi-task' : 'cls-only');
    if (resume) {
      this.optimizer.setHistory(resume.history);
      this.guard.lrScale = resume.lrScale;
    }
  }

  async step(): Promise<StepResult> {
    const { config, roidb, stats, numClasses, head } = this.options;
    const lr = learningRateAt(this.iteration, config.solver) * this.guard.lrScale;
    // 1-2. sample and gather
    const images: ImageRois[] = [];
    const labels: number[] = [];
    const targets: number[] = [];
    let foreground = 0;
    for (const index of this.order.next(config.sampling.imagesPerBatch)) {
      const entry = roidb[index];
      const sample = sampleRoisForImage(entry, config.sampling, this.rng);
      if (sample.roiIndices.length === 0) continue;
      const { features, scale } = this.options.featuresOf(entry);
      const rois = new Float32Array(sample.roiIndices.length * 4);
      sample.roiIndices.forEach((i, k) => {
        for (let j = 0; j < 4; j++) {
          rois[4 * k + j] = entry.boxes[4 * i + j] * scale;
          targets.push(entry.targets[4 * i + j]);
        }
        labels.push(sample.labels[k]);
      });
      foreground += sample.numFg;
      images.push({ features, rois });
    }
    if (images.length === 0) throw new Error('The sampled images offered no RoI: check the proposals and gt boxes.');
    const blob = bboxTargetBlob(targets, labels, numClasses, stats);
    // 3. loss and gradients
    const r = labels.length;
    const cols = 4 * (numClasses + 1);
    const terms: tf.Scalar[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const out = headOutputs(head, images, this.options.featureStride, true, this.options.suffix?.forward);
      const loss = multiTaskLoss(
        {
          logits: out.logits,
          deltas: out.deltas,
          labels: tf.tensor1d(labels, 'int32'),
          bboxTargets: tf.tensor2d(blob.targets, [r, cols]),
          bboxWeights: tf.tensor2d(blob.weights, [r, cols]),
        },
        config.lossLambda,
        this.lossMode === 'multi-task',
      );
      terms.push(tf.keep(loss.cls), tf.keep(loss.loc));
      const driving = this.lossMode === 'loc-only' ? loss.loc : loss.total;
      return this.options.poisonLossAt?.includes(this.iteration + 1) ? tf.mul(driving, NaN) : driving;
    }, this.optimizer.params.map((p) => p.variable));
    const byName: Record<string, tf.Tensor> = {};
    for (const p of this.optimizer.params) if (grads[p.variable.name]) byName[p.name] = grads[p.variable.name];
    const check = tf.tidy(() => tf.stack([terms[0], terms[1], value, tf.addN(Object.values(byName).map((g) => tf.sum(g)))]));
    const [cls, loc, total, gradSum] = await check.data();
    // 4-5. guard, then update
    const finite = allFinite([cls, loc, total, gradSum]);
    if (finite) {
      this.guard.beforeUpdate();
      this.optimizer.apply(byName, lr);
    } else {
      this.guard.onNonFinite();
    }
    tf.dispose([check, value, ...terms, ...Object.values(grads), ...images.map((i) => i.features)]);
    this.iteration++;
    return { iteration: this.iteration, loss: { cls, loc, total }, learningRate: lr, rois: r, foreground, finite };
  }

  /** The learning rate the next step will use (the schedule times the NaN guard's scale). */
  nextLearningRate(): number {
    return learningRateAt(this.iteration, this.options.config.solver) * this.guard.lrScale;
  }

  async state(): Promise<TrainerState> {
    return { iteration: this.iteration, order: this.order.state(), lrScale: this.guard.lrScale, history: await this.optimizer.historyArrays() };
  }

  dispose(): void {
    this.guard.dispose();
    this.optimizer.dispose();
  }
}
