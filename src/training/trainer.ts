/**
 * One SGD iteration of Fast R-CNN fine-tuning (paper §2.3), independent of where it runs:
 * 1. pick N images (ImageOrder) and sample R/N RoIs from each (sampler.ts);
 * 2. fetch each image's cached frozen-prefix features and scale its RoIs to the features' input size;
 * 3. forward the head, multi-task loss (loss.ts), gradients of the trainable parameters;
 * 4. NaN guard: a non-finite loss or gradient rolls back and lowers the learning rate instead of updating;
 * 5. Caffe SGD update at the scheduled learning rate.
 * With an RPN (issue 18, approximate joint training as in py-faster-rcnn's end2end): each image's RPN loss on the
 * same reduced map is added to the head's loss in the same tape, so the shared reduce conv learns from both; the
 * head's RoIs are still the roidb's (selective search), not the RPN's proposals.
 *
 * Shapes: R RoIs in the batch, K foreground classes.
 */
import * as tf from '@tensorflow/tfjs';
import type { TargetStats } from '../geometry/bbox_transform';
import type { TrainConfig } from './defaults';
import type { RoiHead } from '../model/heads';
import type { RpnHead } from '../model/rpn_head';
import type { AnchorSettings, AnchorTargetSettings } from '../proposals/rpn/settings';
import { multiTaskLoss } from './loss';
import { learningRateAt } from './lr_schedule';
import { NanGuard, allFinite } from './nan_guard';
import { rpnImageLoss } from './rpn_image_loss';
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
  onReduced?: (reduced: tf.Tensor4D, imageIndex: number) => void,
): { logits: tf.Tensor2D; deltas: tf.Tensor2D } {
  const pooled = images.map(({ features: cached, rois }, index) => {
    const features = suffix ? suffix(cached) : cached;
    const r = rois.length / 4;
    const rows = new Float32Array(r * 5); // (batch index 0, x1, y1, x2, y2)
    for (let i = 0; i < r; i++) rows.set(rois.subarray(4 * i, 4 * i + 4), 5 * i + 1);
    const reduced = head.reduce(features);
    onReduced?.(reduced, index); // the RPN reads the map the RoIs are pooled from
    return head.poolRois(reduced, tf.tensor2d(rows, [r, 5]), 1 / featureStride);
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
  /** The RPN's loss terms (mean over the batch's images), when the trainer trains one. */
  readonly rpn?: { readonly cls: number; readonly loc: number };
}

/** The RPN trained with the head (approximate joint training): its head and py-faster-rcnn's anchor settings. */
export interface JointRpn {
  readonly head: RpnHead;
  readonly anchors: AnchorSettings;
  readonly targets: AnchorTargetSettings;
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
  /** Also train this RPN on the same maps, its loss added to the head's (its weights join the optimizer's). */
  readonly rpn?: JointRpn;
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
    const all = [...(options.suffix?.params ?? []), ...head.parameters(), ...(options.rpn?.head.prefixedParameters() ?? [])];
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
    const rpnImages: { gt: Float32Array; inputSize: { width: number; height: number } }[] = [];
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
      // the RPN's gt boxes in the same input pixels as the RoIs (the first numGt boxes of the entry); only with an RPN
      if (this.options.rpn) rpnImages.push({
        gt: entry.boxes.slice(0, 4 * entry.numGt).map((v) => v * scale),
        inputSize: { width: Math.round(entry.width * scale), height: Math.round(entry.height * scale) },
      });
    }
    if (images.length === 0) throw new Error('The sampled images offered no RoI: check the proposals and gt boxes.');
    const blob = bboxTargetBlob(targets, labels, numClasses, stats);
    // 3. loss and gradients
    const r = labels.length;
    const cols = 4 * (numClasses + 1);
    const terms: tf.Scalar[] = [];
    const rpn = this.options.rpn;
    const rpnTerms: tf.Scalar[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const onReduced = rpn && ((reduced: tf.Tensor4D, i: number) => {
        const { cls, loc } = rpnImageLoss(rpn.head, { features: reduced, ...rpnImages[i] }, rpn.anchors, rpn.targets, this.rng);
        rpnTerms.push(cls, loc);
      });
      const out = headOutputs(head, images, this.options.featureStride, true, this.options.suffix?.forward, onReduced);
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
      let driving: tf.Scalar = this.lossMode === 'loc-only' ? loss.loc : loss.total;
      if (rpnTerms.length > 0) {
        // the images' RPN losses averaged (each is already normalized by its anchor sample), weight 1 as in end2end
        const rpnCls = tf.keep(tf.div(tf.addN(rpnTerms.filter((_, k) => k % 2 === 0)), images.length)) as tf.Scalar;
        const rpnLoc = tf.keep(tf.div(tf.addN(rpnTerms.filter((_, k) => k % 2 === 1)), images.length)) as tf.Scalar;
        terms.push(rpnCls, rpnLoc);
        driving = tf.add(driving, tf.add(rpnCls, rpnLoc));
      }
      return this.options.poisonLossAt?.includes(this.iteration + 1) ? tf.mul(driving, NaN) : driving;
    }, this.optimizer.params.map((p) => p.variable));
    const byName: Record<string, tf.Tensor> = {};
    for (const p of this.optimizer.params) if (grads[p.variable.name]) byName[p.name] = grads[p.variable.name];
    const check = tf.tidy(() => tf.stack([terms[0], terms[1], value, tf.addN(Object.values(byName).map((g) => tf.sum(g))), ...terms.slice(2)]));
    const [cls, loc, total, gradSum, rpnCls, rpnLoc] = await check.data();
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
    return {
      iteration: this.iteration, loss: { cls, loc, total }, learningRate: lr, rois: r, foreground, finite,
      ...(rpn && { rpn: { cls: rpnCls, loc: rpnLoc } }),
    };
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
