/**
 * A whole training (or evaluation) job inside the worker, in phases:
 * 1. proposals for every image that came without (worker pool), each sent back so the page can cache it;
 * 2. frozen-prefix features for every training image and its mirror, and every test image (feature backend);
 * 3. the roidb, its target statistics and the head (fresh, from a checkpoint, or from a saved model);
 * 4. SGD iterations on the training backend, with progress, pause/resume/cancel and IndexedDB checkpoints;
 * 5. the held-out evaluation and the model files.
 */
import * as tf from '@tensorflow/tfjs';
import { Backbone, blockOfNode } from '../model/backbone';
import type { Flip } from '../geometry/flip';
import { DEFAULT_BACKBONE, DEFAULT_DETECT, type BboxNormalization, type DetectOptions } from '../model/defaults';
import { rpnHeadShape } from '../model/detector';
import { RoiHead } from '../model/heads';
import { isRpnWeightName, RPN_WEIGHT_PREFIX, RpnHead } from '../model/rpn_head';
import { testViews } from '../model/test_flips';
import { describeBackend, useBackend } from './backends';
import { loadFrozenBackbone } from './frozen_graph';
import { checkPointwiseSuffix, pointwiseSuffix } from './pointwise_suffix';
import { installWasmConvGradients } from './wasm_conv_gradients';
import { installPlainMatMulGradient } from './wasm_matmul_grad';
import { deleteCheckpoint, hasIndexedDb, loadCheckpoint } from './checkpoint_store';
import { evaluateHead } from './evaluate_head';
import { FeatureStore } from './feature_store';
import { loadPixels } from './image_io';
import { exportModelFiles, importHead, savedBackboneWeights, savedConfig, withRpnFiles } from './model_files';
import { ProposalPool } from './proposal_pool';
import type { DoneSummary, Phase, Post, TrainImageSpec, TrainJob } from './protocol';
import { buildRoidb } from './roidb';
import type { RunControl } from './run_control';
import { roidbTargetStats } from './targets';
import { DEEPER_BLOCK_LR_MULT, trainingFlips } from './defaults';
import { TrainingLoop } from './training_loop';
import { ValidationTracker, WeightSnapshot } from './validation_tracker';
import type { JointRpn, TrainerOptions } from './trainer';

export async function runJob(job: TrainJob, control: RunControl, post: Post): Promise<void> {
  const started = performance.now();
  const phaseSeconds: Partial<Record<Phase, number>> = {};
  // Phases are exclusive: validation (and on-demand evaluation) inside the training loop is not training time.
  const open: { nested: number }[] = [];
  const timed = async <T>(phase: Phase, body: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const frame = { nested: 0 };
    open.push(frame);
    try {
      return await body();
    } finally {
      open.pop();
      const seconds = (performance.now() - t0) / 1000;
      phaseSeconds[phase] = (phaseSeconds[phase] ?? 0) + seconds - frame.nested;
      if (open.length > 0) open[open.length - 1].nested += seconds;
    }
  };
  const proposals = await timed('proposals', () => computeMissingProposals(job, post));
  if (job.mode === 'proposals') {
    post({ type: 'done', summary: { iterations: 0, seconds: (performance.now() - started) / 1000, cancelled: false, phaseSeconds } });
    return;
  }
  // Post-processing: a loaded model's own (or the defaults), under the job's overrides (e.g. `eval --test-flips`).
  const detect: DetectOptions = { ...(job.model ? savedConfig(job.model).detect : DEFAULT_DETECT), ...job.detect };
  const store = new FeatureStore();
  const { sizes, backbone: featureBackbone } = await timed('features', () => extractAllFeatures(job, store, post, testViews(detect)));
  await useBackend(job.backend);
  if (job.backend === 'wasm') installPlainMatMulGradient();
  const { backbone, suffix } = await trainableBackbone(job, featureBackbone, store);
  const classes = job.classNames.length;
  const stride = DEFAULT_BACKBONE.featureStride;
  const roidbOf = (images: readonly TrainImageSpec[]) => buildRoidb(
    images.map((image, imageIndex) => ({ imageIndex, ...sizes.get(image.id)!, gtBoxes: Float32Array.from(image.gtBoxes), gtClasses: image.gtClasses, proposals: proposals.get(image.id)! })),
    trainingFlips(job.config),
  );
  const roidb = roidbOf(job.train);
  const shape = { inChannels: backbone.outputChannels, numClasses: classes, head: job.head };
  const saved = job.model ? importHead(job.model, backbone.outputChannels) : undefined;
  if (job.rpnOnly && (saved === undefined || job.rpn === undefined)) throw new Error('an RPN-only job needs a saved model (job.model) and the RPN\'s settings (job.rpn)');
  const checkpoint = job.resume && hasIndexedDb() && job.mode === 'train' ? await loadCheckpoint(job.runId) : undefined;
  // the RPN (job.rpn) reads the map the RoIs are pooled from: the head's reduced map
  const rpnShape = job.rpn && rpnHeadShape(job.rpn, job.head.reduceChannels ?? backbone.outputChannels);
  const freshRpn = (): JointRpn | undefined => job.rpn && rpnShape && { head: RpnHead.create(rpnShape, job.config.seed), anchors: job.rpn.anchors, targets: job.rpn.targets };
  let rpn: JointRpn | undefined;
  let head: RoiHead;
  if (checkpoint) {
    const restored = new Map(checkpoint.weights.map((w) => [w.name, tf.tensor(w.data, w.shape)]));
    const isBackbone = (name: string) => name.startsWith('backbone/');
    head = RoiHead.fromWeights(shape, new Map([...restored].filter(([name]) => !isBackbone(name) && !isRpnWeightName(name))));
    backbone.assignWeights(new Map([...restored].filter(([name]) => isBackbone(name)).map(([name, t]) => [name.slice(9), t])));
    if (job.rpn && rpnShape) {
      const weights = new Map([...restored].filter(([name]) => isRpnWeightName(name)).map(([name, t]) => [name.slice(RPN_WEIGHT_PREFIX.length), t]));
      rpn = { head: RpnHead.fromWeights(rpnShape, weights), anchors: job.rpn.anchors, targets: job.rpn.targets };
    }
    tf.dispose([...restored.values()]);
  }
  else if (saved) head = saved.head;
  else head = RoiHead.create(shape, job.config.seed);
  rpn ??= freshRpn();
  const rpnParams = () => rpn?.head.prefixedParameters() ?? [];
  // a head that does not learn keeps the normalization it was trained with
  const stats = (job.mode === 'evaluate' || job.rpnOnly) && saved ? statsOf(saved.config.bboxNormalization) : roidbTargetStats(roidb, classes);
  let normalization: BboxNormalization = { means: Array.from(stats.means), stds: Array.from(stats.stds) };
  let iterations = checkpoint?.iteration ?? 0;
  let retrained: DoneSummary['retrained'];
  const evalContext = () => ({ head, store, featureStride: stride, classNames: job.classNames, normalization, detect, suffix: suffix?.forward });
  const validation = new ValidationTracker(job, [...(suffix?.params ?? []), ...head.parameters(), ...rpnParams()], async () => {
    const images = job.validation ?? [];
    post({ type: 'phase', phase: 'validating', done: 0, total: images.length });
    return evaluateHead(evalContext(), images, proposals, sizes, (done) => post({ type: 'phase', phase: 'validating', done, total: images.length }), 'val');
  }, post);
  const evaluate = () =>
    timed('evaluating', async () => {
      post({ type: 'phase', phase: 'evaluating', done: 0, total: job.test.length });
      const result = await evaluateHead(evalContext(), job.test, proposals, sizes, (done) => post({ type: 'phase', phase: 'evaluating', done, total: job.test.length }));
      post({ type: 'evaluation', result });
    });
  const exportFiles = () =>
    timed('exporting', async () => {
      const files = job.rpnOnly && job.model && job.rpn && rpn ? await withRpnFiles(job.model, job.rpn, rpn.head) : await exportModelFiles(head, backbone, {
        classNames: job.classNames, input: { scales: [job.config.scale], maxSize: job.config.maxSize }, bboxNormalization: normalization,
        detect, svdRanks: job.svdRanks, ...(rpn && { rpn: job.rpn }),
      }, rpn?.head);
      post({ type: 'model', files }, [files.weights]);
    });
  if (job.mode === 'train') {
    const validate = (iteration: number) => timed('validating', () => validation.evaluate(iteration));
    const suffixStart = await WeightSnapshot.take(suffix?.params ?? []);
    const loop = new TrainingLoop(job, {
      roidb, stats, head, store, control, post, resume: checkpoint?.trainer, evaluate, exportFiles, featureStride: stride, suffix,
      validateAt: validation.iterations, validate, rpn,
    });
    iterations = await timed('training', () => loop.run());
    if (hasIndexedDb()) await loop.saveCheckpoint();
    loop.dispose();
    // a cancelled run is validated where it stopped, so the choice below compares it too
    if (validation.enabled && !validation.evaluated(iterations) && iterations > 0) await validate(iterations);
    const chosen = validation.restoreBest(iterations);
    if (job.retrainOnAll && validation.best && !control.cancelled) {
      // the same schedule, stretched by the share of images added and stopped at the chosen point, from fresh weights
      const all = [...job.train, ...(job.validation ?? [])];
      const ratio = all.length / job.train.length;
      const { solver } = job.config;
      const stopAt = Math.max(1, Math.round(chosen * ratio));
      const retrainJob: TrainJob = {
        ...job, train: all,
        config: { ...job.config, checkpointEvery: 0, solver: { ...solver, iterations: stopAt, steps: solver.steps.map((step) => Math.round(step * ratio)) } },
      };
      const retrainRoidb = roidbOf(all);
      const retrainStats = roidbTargetStats(retrainRoidb, classes);
      const firstNormalization = normalization;
      normalization = { means: Array.from(retrainStats.means), stds: Array.from(retrainStats.stds) };
      head.dispose();
      head = RoiHead.create(shape, job.config.seed);
      rpn?.head.dispose();
      rpn = freshRpn();
      suffixStart.restoreInto(suffix?.params ?? []);
      post({ type: 'phase', phase: 'training', done: 0, total: stopAt, detail: `again on all ${all.length} images, ${stopAt} iterations` });
      const again = new TrainingLoop(retrainJob, {
        roidb: retrainRoidb, stats: retrainStats, head, store, control, post, evaluate, exportFiles, featureStride: stride, suffix, rpn,
        featureKey: (i) => `${i < job.train.length ? 'train' : 'val'}/${all[i].id}`,
      });
      const done = await timed('training', () => again.run());
      again.dispose();
      if (control.cancelled) {
        // stopped part-way: the validated weights of the first run, not half a second run
        head.dispose();
        head = RoiHead.create(shape, job.config.seed);
        rpn?.head.dispose();
        rpn = freshRpn();
        validation.restoreInto([...(suffix?.params ?? []), ...head.parameters(), ...rpnParams()]);
        normalization = firstNormalization;
      } else {
        retrained = { images: all.length, iterations: done };
      }
    }
  }
  if ((job.mode === 'evaluate' || job.evaluateAtEnd) && job.test.length > 0 && !control.cancelled) await evaluate();
  if (job.mode === 'train') await exportFiles();
  if (job.mode === 'train' && !control.cancelled && hasIndexedDb()) await deleteCheckpoint(job.runId);
  head.dispose();
  rpn?.head.dispose();
  backbone.dispose();
  store.clear();
  post({
    type: 'done',
    summary: {
      iterations, seconds: (performance.now() - started) / 1000, cancelled: control.cancelled, phaseSeconds, backend: describeBackend(),
      ...(validation.enabled ? { validation: validation.points, chosenIteration: validation.best?.iteration ?? iterations } : {}),
      ...(retrained && { retrained }),
    },
  });
  validation.dispose();
}

/**
 * fc-only: the backbone loaded for the feature phase (only its config is needed, to save the model). Conv
 * fine-tuning: a second copy on the training backend whose blocks from `firstLayer` up learn; the cached
 * features are then the frozen prefix's output and run through this suffix in every step.
 */
async function trainableBackbone(job: TrainJob, featureBackbone: Backbone, store: FeatureStore): Promise<{ backbone: Backbone; suffix?: TrainerOptions['suffix'] }> {
  const trainable = job.config.trainable;
  if (trainable.kind === 'fc') return { backbone: featureBackbone };
  featureBackbone.dispose();
  const backbone = await Backbone.load({ ...DEFAULT_BACKBONE, trainableFrom: trainable.firstLayer });
  // a saved model's fine-tuned block goes on from its saved weights
  const saved = job.model ? savedBackboneWeights(job.model) : new Map<string, tf.Tensor>();
  backbone.assignWeights(saved);
  tf.dispose([...saved.values()]);
  // blocks below the last learn at a tenth of the rate: at the head's lr 0.01 their folded-batch-norm weights diverge
  // (raccoon, from expanded_conv_11: a NaN loss at iteration 48)
  const lastBlock = backbone.blocks.at(-1) ?? '';
  const params = [...backbone.modifiableWeights()].map(([name, variable]) => ({
    name: `backbone/${name}`, variable, isBias: /bias|offset/i.test(name), lrMult: blockOfNode(name) === lastBlock ? 1 : DEEPER_BLOCK_LR_MULT,
  }));
  let forward = (prefix: tf.Tensor4D) => backbone.trainableSuffix(prefix);
  const fast = job.backend === 'wasm' ? pointwiseSuffix(backbone) : null;
  // wasm has no conv filter gradients: a lone 1x1 conv learns as a matMul, deeper suffixes through the graph with
  // gradients built from kernels wasm has (stride-1 blocks only; wasm_conv_gradients.ts says what it cannot do)
  if (job.backend === 'wasm' && !fast) installWasmConvGradients();
  if (fast) {
    const first = job.train[0] ?? job.test[0];
    if (first) {
      const sample = store.get(`train/${first.id}`);
      await checkPointwiseSuffix(backbone, fast, sample.features);
      sample.features.dispose();
    }
    forward = fast;
  }
  return { backbone, suffix: { forward, params } };
}

function statsOf(normalization: BboxNormalization) {
  return { numClasses: normalization.means.length / 4, means: Float64Array.from(normalization.means), stds: Float64Array.from(normalization.stds) };
}

async function computeMissingProposals(job: TrainJob, post: Post): Promise<Map<string, Float32Array>> {
  const all: TrainImageSpec[] = [...job.train, ...(job.validation ?? []), ...job.test];
  const result = new Map<string, Float32Array>();
  for (const image of all) if (image.proposals) result.set(image.id, image.proposals.slice(0, 4 * job.maxProposals));
  // an RPN-only job's head does not learn: its roidb needs no proposals beyond the gt boxes
  const missing = job.rpnOnly ? [] : all.filter((image) => !result.has(image.id));
  for (const image of all) if (!result.has(image.id)) result.set(image.id, new Float32Array(0));
  if (missing.length === 0) return result;
  post({ type: 'phase', phase: 'proposals', done: 0, total: missing.length });
  const pool = new ProposalPool({ mode: job.proposalMode, maxSide: job.proposalMaxSide, maxProposals: job.maxProposals, workers: navigator.hardwareConcurrency || 2 });
  let done = 0;
  try {
    await pool.computeAll(missing.map((image) => image.url), (i, boxes) => {
      result.set(missing[i].id, boxes);
      post({ type: 'proposals', id: missing[i].id, boxes: boxes.slice() });
      post({ type: 'phase', phase: 'proposals', done: ++done, total: missing.length });
    });
  } finally {
    pool.terminate();
  }
  return result;
}

async function extractAllFeatures(job: TrainJob, store: FeatureStore, post: Post, testFlips: readonly Flip[]): Promise<{ sizes: Map<string, { width: number; height: number }>; backbone: Backbone }> {
  await useBackend(job.featureBackend);
  const trainable = job.config.trainable;
  const backbone = await Backbone.load({ ...DEFAULT_BACKBONE, trainableFrom: trainable.kind === 'conv' ? trainable.firstLayer : null });
  const savedBackbone = job.model ? savedBackboneWeights(job.model) : new Map<string, tf.Tensor>();
  let frozen: { forward: (x: tf.Tensor4D) => tf.Tensor4D; dispose: () => void };
  // saved weights only in the blocks that run after the cache (the fine-tuned suffix): the prefix is the stock graph's
  const savedOnlyInSuffix = trainable.kind === 'conv' && [...savedBackbone.keys()].every((name) => backbone.modifiableWeights().has(name));
  if (savedBackbone.size > 0 && !savedOnlyInSuffix) {
    // a saved model with fine-tuned conv weights: run the whole backbone with them (the interpreter)
    backbone.assignWeights(savedBackbone);
    tf.dispose([...savedBackbone.values()]);
    frozen = { forward: (x) => (trainable.kind === 'conv' ? backbone.frozenPrefix(x) : backbone.forward(x)), dispose: () => undefined };
  } else if (trainable.kind === 'conv') {
    tf.dispose([...savedBackbone.values()]);
    // GraphModel up to the first trainable conv: same values as backbone.frozenPrefix, 3x faster on wasm
    const firstWeight = [...backbone.trainableVariables()].length > 0 ? [...backbone.modifiableWeights().keys()][0] : undefined;
    frozen = await loadFrozenBackbone(DEFAULT_BACKBONE, firstWeight);
  } else {
    frozen = await loadFrozenBackbone(DEFAULT_BACKBONE);
  }
  const sizes = new Map<string, { width: number; height: number }>();
  const work = [
    ...job.train.map((image) => ({ image, key: `train/${image.id}`, flips: trainingFlips(job.config) })),
    // validation images are trained on too when the job retrains on all images
    ...(job.validation ?? []).map((image) => ({ image, key: `val/${image.id}`, flips: job.retrainOnAll ? [...new Set([...testFlips, ...trainingFlips(job.config)])] : testFlips })),
    ...job.test.map((image) => ({ image, key: `test/${image.id}`, flips: testFlips })),
  ];
  let done = 0;
  for (const { image, key, flips } of work) {
    const pixels = await loadPixels(image.url, undefined, image.id);
    const source = { width: pixels.sourceWidth, height: pixels.sourceHeight }; // the boxes' frame; pixels may be shrunk
    sizes.set(image.id, source);
    await store.extract(key, pixels, frozen.forward, job.config, flips, source);
    post({ type: 'phase', phase: 'features', done: ++done, total: work.length, detail: `${(store.bytes / 2 ** 20).toFixed(0)} MB cached, ${describeBackend()}` });
  }
  frozen.dispose();
  return { sizes, backbone };
}
