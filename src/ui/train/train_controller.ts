/**
 * The Fine-tune tab's behaviour: plan the run on the recommended recipe (train_plan.ts: the validation carve-out,
 * the recipe for these images, the user's settings over it), build its TrainJob with the same job builder as
 * `npm run train` and the library (src/training/job_builder.ts), run it in the training worker
 * (src/training/client.ts), follow its phases, losses and validation mAP, refresh the held-out preview from model
 * snapshots, and save the result as a model. The stage shows the held-out image with its detections and ground truth.
 */
import type { Box } from '../../geometry/box';
import { deleteCheckpoint } from '../../training/checkpoint_store';
import { TrainingClient } from '../../training/client';
import { buildTrainJob } from '../../training/job_builder';
import type { DoneSummary, ModelFiles, TrainImageSpec, TrainJob } from '../../training/protocol';
import type { AnnotateController } from '../annotate/annotate_controller';
import { classNamesOf, type AnnotatedImage, type AnnotationSet } from '../annotate/annotation_set';
import type { CanvasStage } from '../canvas/stage';
import { decodeImage, imageErrorMessage, type LoadedImage } from '../image_input';
import type { ModelsController } from '../models/models_controller';
import type { ModelOrigin } from '../models/model_registry';
import { photosStatistics } from '../image_colour';
import type { StatusLine } from '../status';
import type { Store } from '../state/store';
import { DEFAULT_RATES, iterationCostFactor, type MeasuredRates } from '../../training/estimate';
import { PreviewDetector } from './preview';
import { previewScene } from './preview_scene';
import { forgetRun, interruptedRun, recordCheckpoint, rememberRun } from './interrupted_run';
import { keptText, planRun, type PlanImage, type RunPlan, type TrainSettings } from './train_plan';
import type { TrainState } from './train_state';
import { trainingBundleZip } from './bundle_export';
import { downloadBlob } from '../annotate/dataset_io';

const RATES_KEY = 'frcnn-train-rates';
export const PREVIEW_NMS = 0.3;

export class TrainController {
  private client: TrainingClient | null = null;
  private readonly proposals = new Map<string, Float32Array>();
  private urls: string[] = [];
  private readonly preview = new PreviewDetector();
  /** The held-out image's bitmap (possibly shrunk) and the original's size, which boxes are measured in. */
  private previewBitmap: { id: string; bitmap: ImageBitmap; width: number; height: number } | null = null;
  /**
   * Mid-run previews: each runs the whole detector on the page's backend, beside the worker on the same cores (about
   * 5 s on 2 cores), so they are few: at each validation evaluation when the run validates (the curve and the preview
   * then show the same weights), else every quarter of the run, and at half of a second run on train + validation.
   * The final model is always previewed.
   */
  private previewEvery = 10;
  private lastPreviewAt = 0;
  private active = false;
  /** The plan for the current images and settings, recomputed when either changes (or new proposals or rates). */
  private planned: { key: readonly unknown[]; plan: RunPlan | null } | null = null;
  private ratesVersion = 0;
  /** A preview is being computed; the newest snapshot that arrived meanwhile waits here (the final one is never skipped). */
  private previewing = false;
  private pendingPreview: ModelFiles | null = null;

  constructor(
    readonly store: Store<TrainState>,
    private readonly annotate: AnnotateController,
    private readonly models: ModelsController,
    private readonly stage: CanvasStage,
    private readonly status: StatusLine,
  ) {
    store.subscribe((state, previous) => {
      if (state.previewId !== previous.previewId) void this.loadPreviewImage();
      if (this.active && (state.preview !== previous.preview || state.previewId !== previous.previewId)) this.render();
    });
    annotate.store.subscribe((state, previous) => {
      if (state.set !== previous.set) this.pickPreview();
    });
    const interrupted = interruptedRun();
    if (interrupted) store.set({ interrupted: { checkpoint: interrupted.checkpoint, iterations: interrupted.iterations } });
  }

  setActive(active: boolean): void {
    this.active = active;
    if (!active) return;
    this.pickPreview();
    this.stage.onPointer(() => undefined);
    this.stage.setCursor('default');
    void this.loadPreviewImage().then(() => this.render());
  }

  annotateStore(): AnnotateController['store'] {
    return this.annotate.store;
  }

  trainImages(): AnnotatedImage[] {
    return this.annotate.store.get().set.images.filter((i) => i.split === 'train' && i.boxes.length > 0);
  }

  testImages(): AnnotatedImage[] {
    return this.annotate.store.get().set.images.filter((i) => i.split === 'test');
  }

  /**
   * What Start would run: the recommended recipe for the images marked Train (less the validation carve-out) with
   * the user's settings on top, and its estimate. Null when no image marked Train has a box.
   */
  plan(): RunPlan | null {
    const { set } = this.annotate.store.get();
    const { settings } = this.store.get();
    const key = [set, settings, this.proposals.size, this.ratesVersion];
    if (this.planned && this.planned.key.every((k, i) => k === key[i])) return this.planned.plan;
    const plan = planRun({ set, train: this.trainImages(), test: this.testImages(), settings, rates: readRates(), hasProposals: (id) => this.proposals.has(id) });
    this.planned = { key, plan };
    return plan;
  }

  /** Why the run cannot start, or null. */
  blocker(): string | null {
    if (this.trainImages().length === 0) return 'Mark at least one annotated image for training (in the list above).';
    if (this.store.get().running) return 'A run is already going.';
    return null;
  }

  start(): void {
    const why = this.blocker();
    if (why) return this.status.error(why);
    const plan = this.plan();
    if (!plan) return this.status.error('The training images have no boxes to learn from.');
    this.launch(plan, this.store.get().settings, `page-${Date.now()}`);
  }

  /**
   * Downloads what Start would run as a training bundle for the PyTorch trainer (scale/README.md): proposals are
   * computed first for the images that have none, by the training worker's proposal stage, and kept for the run.
   */
  async exportBundle(): Promise<void> {
    const why = this.blocker();
    if (why) return this.status.error(why);
    const plan = this.plan();
    if (!plan) return this.status.error('The training images have no boxes to learn from.');
    const missing = [...plan.train, ...plan.validation, ...plan.test].filter((image) => !this.proposals.has(image.id));
    this.status.busy(`Exporting for PyTorch: ${missing.length > 0 ? `proposals for ${missing.length} images, then ` : ''}the zip…`);
    try {
      if (missing.length > 0) await this.computeProposals(plan, missing);
      const zip = await trainingBundleZip({ plan, set: this.annotate.store.get().set, blobs: this.annotate.blobs, proposals: this.proposals });
      downloadBlob(zip, 'training-bundle.zip');
      this.status.info(`Training bundle exported: ${plan.train.length} train, ${plan.validation.length} validation, ${plan.test.length} held-out images (unzip it and run scale/train.py --bundle on it).`);
    } catch (error) {
      this.status.error(`Export for PyTorch failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Selective search for these images in the training worker (a 'proposals' job), kept like a run's. */
  private async computeProposals(plan: RunPlan, images: readonly PlanImage[]): Promise<void> {
    const urls = images.map((image) => URL.createObjectURL(this.annotate.blobs.get(image.id)!));
    const specs = images.map((image, i): TrainImageSpec => ({ id: image.id, url: urls[i], gtBoxes: image.gtBoxes, gtClasses: image.gtClasses }));
    const job = buildTrainJob(plan.classNames, { train: specs, validation: [], test: [] }, plan.recipe, { runId: `proposals-${Date.now()}`, backend: 'wasm', mode: 'proposals' });
    const client = new TrainingClient(job, { onProposals: (id, boxes) => this.proposals.set(id, boxes) });
    try {
      await client.done;
    } finally {
      client.terminate();
      urls.forEach((url) => URL.revokeObjectURL(url));
    }
  }

  /** Goes on with the run a reload interrupted, from its last checkpoint, on the same images and settings. */
  resumeInterrupted(): void {
    const run = interruptedRun();
    if (!run) return this.store.set({ interrupted: null });
    if (this.store.get().running) return this.status.error('A run is already going.');
    const images = new Map(this.annotate.store.get().set.images.map((image) => [image.id, image]));
    const missing = [...run.trainIds, ...run.validationIds, ...run.testIds].filter((id) => !images.has(id) || !this.annotate.blobs.get(id));
    if (missing.length > 0) {
      return this.status.error(`The interrupted run cannot resume yet: ${missing.length} of its images are not in the Annotate tab (still loading, or removed).`);
    }
    // the same images in the same roles and order, the same settings and iteration count: the checkpoint's job
    const plan = planRun({
      set: this.annotate.store.get().set, settings: run.settings, rates: readRates(), hasProposals: (id) => this.proposals.has(id),
      train: [...run.trainIds, ...run.validationIds].map((id) => images.get(id)!), test: run.testIds.map((id) => images.get(id)!),
      validationIds: run.validationIds, iterations: run.iterations,
    });
    if (!plan) return this.status.error('The interrupted run cannot resume: its training images no longer have boxes.');
    this.store.set({ settings: run.settings });
    this.launch(plan, run.settings, run.runId, run.checkpoint);
  }

  /** Drops the interrupted run and its checkpoint. */
  discardInterrupted(): void {
    const run = interruptedRun();
    forgetRun();
    if (run) void deleteCheckpoint(run.runId).catch(() => undefined);
    this.store.set({ interrupted: null });
  }

  /** A new run, or (resumeFrom given: its last checkpoint, null when none was saved) the interrupted one again. */
  private launch(plan: RunPlan, settings: TrainSettings, runId: string, resumeFrom?: number | null): void {
    const resume = resumeFrom !== undefined;
    const spec = (image: PlanImage): TrainImageSpec => {
      const url = URL.createObjectURL(this.annotate.blobs.get(image.id)!);
      this.urls.push(url);
      return { id: image.id, url, gtBoxes: image.gtBoxes, gtClasses: image.gtClasses, proposals: this.proposals.get(image.id) };
    };
    const images = { train: plan.train.map(spec), validation: plan.validation.map(spec), test: plan.test.map(spec) };
    const job = buildTrainJob(plan.classNames, images, plan.recipe, {
      runId, backend: settings.backend, featureBackend: settings.backend === 'cpu' ? 'wasm' : settings.backend, resume,
      ...(plan.settings.proposals === 'rpn' && { proposals: 'rpn' as const, sizes: plan.sizes }),
    });
    const iterations = plan.recipe.config.solver.iterations;
    rememberRun({
      runId, settings, iterations, trainIds: plan.train.map((i) => i.id), validationIds: plan.validation.map((i) => i.id), testIds: plan.test.map((i) => i.id),
      checkpoint: resumeFrom ?? null,
    });
    this.previewEvery = images.validation.length > 0 ? Infinity : Math.max(5, Math.round(iterations / 4));
    this.lastPreviewAt = 0;
    this.store.set({ running: true, paused: false, phase: 'setup', phaseDone: 0, phaseTotal: 0, phaseDetail: null, progress: null, losses: [], validation: [],
      launched: { train: images.train.length, validation: images.validation.length, test: images.test.length, iterations }, retraining: false,
      evaluation: null, files: null, summary: null, error: null, preview: null, savedAs: null, interrupted: null });
    const from = resume ? ` (resuming from ${resumeFrom === null ? 'the start: no checkpoint was saved' : `the checkpoint at iteration ${resumeFrom}`})` : '';
    const validating = images.validation.length ? `, ${images.validation.length} validating` : '';
    this.status.busy(`Fine-tuning on ${images.train.length} images${validating}${images.test.length ? `, ${images.test.length} held out` : ''}${from}…`);
    this.run(job);
  }

  private run(job: TrainJob): void {
    let warning: string | null = null;
    const client = new TrainingClient(job, {
      onWarning: (message) => {
        warning = message;
        this.status.error(`Fine-tuning: ${message}`);
      },
      onPhase: (phase, done, total, detail) => {
        // a training phase announced after iterations were reported: the second run, on train + validation images
        const again = phase === 'training' && done === 0 && this.store.get().losses.length > 0;
        if (again) {
          this.lastPreviewAt = 0;
          this.previewEvery = Math.max(5, Math.round(total / 2));
        }
        this.store.set({ phase: phase as TrainState['phase'], phaseDone: done, phaseTotal: total, phaseDetail: detail ?? null, ...(again && { retraining: true, losses: [] }) });
      },
      onProposals: (id, boxes) => this.proposals.set(id, boxes),
      onProgress: (progress) => {
        const point = { iteration: progress.iteration, ...progress.smoothedLoss, ...(progress.rpnLoss && { rpn: progress.rpnLoss.cls + progress.rpnLoss.loc }) };
        this.store.set({ phase: 'training', progress, losses: [...this.store.get().losses, point] });
        if (progress.iteration - this.lastPreviewAt >= this.previewEvery && progress.iteration < progress.iterations && this.store.get().previewId) {
          this.lastPreviewAt = progress.iteration;
          client.exportModel();
        }
      },
      onNan: (_iteration, _lr, message) => this.status.info(`Fine-tuning: ${message}.`),
      onRecovered: (_iteration, message) => this.status.info(message),
      onCheckpoint: (iteration) => recordCheckpoint(job.runId, iteration),
      onPaused: () => this.store.set({ paused: true }),
      onResumed: () => this.store.set({ paused: false }),
      onEvaluation: (evaluation) => this.store.set({ evaluation }),
      onValidation: (point) => {
        this.store.set({ validation: [...this.store.get().validation, point] });
        if (point.iteration < job.config.solver.iterations && this.store.get().previewId) client.exportModel();
      },
      onModel: (files) => {
        this.store.set({ files });
        void this.refreshPreview(files);
      },
    });
    this.client = client;
    client.done.then((summary) => {
      if (!summary.cancelled) {
        saveRates(summary, job); // before the state changes, so the estimate shown after the run uses them
        this.ratesVersion += 1;
      }
      this.store.set({ running: false, paused: false, phase: summary.cancelled ? 'cancelled' : 'done', summary });
      const kept = keptText(summary);
      const ended = summary.cancelled ? 'Fine-tuning cancelled.'
        : `Fine-tuning finished: ${summary.iterations} iterations in ${Math.round(summary.seconds)} s${kept ? `; ${kept[0].toLowerCase()}${kept.slice(1)}` : ''}.`;
      // a storage warning stays on screen: the run ended well, but its checkpoint is not on disk
      if (warning) this.status.error(`${ended} Note: ${warning}`);
      else this.status.info(ended);
    }, (error: unknown) => {
      this.store.set({ running: false, paused: false, phase: 'failed', error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
      this.status.error(`Fine-tuning failed: ${this.store.get().error}`);
    }).finally(() => {
      forgetRun(job.runId); // ended (done, cancelled or failed): nothing to resume after a reload
      client.terminate();
      if (this.client === client) this.client = null;
      this.urls.forEach((url) => URL.revokeObjectURL(url));
      this.urls = [];
    });
  }

  pause(): void {
    this.client?.pause();
  }

  resume(): void {
    this.client?.resume();
  }

  cancel(): void {
    this.client?.cancel();
  }

  /** Saves the run's model in this browser and detects with it from now on. */
  async save(name: string): Promise<void> {
    const { files, evaluation, summary, launched } = this.store.get();
    if (!files) return this.status.error('There is no trained model to save yet.');
    const description = modelDescription(this.annotate.store.get().set, summary, launched, evaluation);
    const origin: ModelOrigin = {
      kind: 'trained', images: summary?.retrained?.images ?? launched?.train ?? null,
      heldOutMAP: evaluation?.metric.voc07.mAP ?? null, heldOutImages: evaluation?.images ?? null,
    };
    // the training photos' colours, so the Detect tab can tell an image unlike them (ui/detect/model_fit_hint.ts)
    const blobs = this.trainImages().map((i) => this.annotate.blobs.get(i.id)).filter((b): b is Blob => b !== undefined);
    const saved = await this.models.saveFiles(files, name, description, true, origin, await photosStatistics(blobs));
    if (saved) this.store.set({ savedAs: saved.name });
  }

  private pickPreview(): void {
    const { previewId } = this.store.get();
    const test = this.testImages();
    if (previewId && test.some((i) => i.id === previewId)) return;
    this.store.set({ previewId: test[0]?.id ?? null, preview: null });
  }

  private async loadPreviewImage(): Promise<void> {
    const id = this.store.get().previewId;
    if (!id || this.previewBitmap?.id === id) return;
    const blob = this.annotate.blobs.get(id);
    if (!blob) return;
    const name = this.annotate.store.get().set.images.find((i) => i.id === id)?.name ?? id;
    let decoded: LoadedImage;
    try {
      decoded = await decodeImage(blob, name);
    } catch (error) {
      return this.status.error(`The held-out preview cannot show it: ${imageErrorMessage(error, name)}`);
    }
    this.previewBitmap?.bitmap.close();
    this.previewBitmap = { id, bitmap: decoded.bitmap, width: decoded.width, height: decoded.height };
    this.render();
  }

  private async refreshPreview(files: ModelFiles): Promise<void> {
    if (this.previewing) {
      this.pendingPreview = files;
      return;
    }
    this.previewing = true;
    try {
      await this.showPreview(files);
    } finally {
      this.previewing = false;
      const next = this.pendingPreview;
      this.pendingPreview = null;
      if (next) void this.refreshPreview(next);
    }
  }

  private async showPreview(files: ModelFiles): Promise<void> {
    const { previewId, progress } = this.store.get();
    const proposals = previewId ? this.proposals.get(previewId) : undefined;
    if (!previewId || !proposals || !(await this.preview.update(files))) return;
    await this.loadPreviewImage();
    if (this.previewBitmap?.id !== previewId) return;
    try {
      // proposals and the result are in the original's pixels; the bitmap may be a shrunk copy (the pipeline maps)
      const shown = this.previewBitmap;
      const result = await this.preview.detect(shown.bitmap, shown, proposals, PREVIEW_NMS);
      if (result) this.store.set({ preview: { result, iteration: progress?.iteration ?? 0 } });
    } catch (error) {
      this.status.error(`The held-out preview failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private render(): void {
    if (!this.active) return;
    const { previewId, preview } = this.store.get();
    const image = this.annotate.store.get().set.images.find((i) => i.id === previewId) ?? null;
    const shown = this.previewBitmap && this.previewBitmap.id === previewId ? this.previewBitmap : null;
    this.stage.setImage(shown?.bitmap ?? null, shown ?? undefined);
    this.stage.setScene(image ? previewScene(image.boxes.map((b) => b.box as Box), preview?.result ?? null) : []);
    this.stage.setDescription(image ? `Held-out image ${image.name}${preview ? ` with detections after iteration ${preview.iteration}` : ''}` : 'No held-out image');
  }
}

/** The saved model's description: the images, the iterations, what validation chose and its mAP, the held-out mAP. */
export function modelDescription(set: AnnotationSet, summary: TrainState['summary'], images: TrainState['launched'], evaluation: TrainState['evaluation']): string {
  const classes = classNamesOf(set).join(', ');
  const chosen = summary?.validation?.find((p) => p.iteration === summary.chosenIteration);
  const heldOut = evaluation ? `; held-out mAP ${(evaluation.metric.voc07.mAP * 100).toFixed(1)}% on ${evaluation.images} images` : '';
  if (!summary || !chosen) return `Fine-tuned here on ${images?.train ?? '?'} images, ${summary?.iterations ?? '?'} iterations (${classes})${heldOut}`;
  const validation = `validation mAP ${(chosen.mAP * 100).toFixed(1)}% on ${images?.validation ?? '?'} images at iteration ${chosen.iteration} of ${summary.iterations}`;
  return summary.retrained
    ? `Fine-tuned here on ${summary.retrained.images} images, ${summary.retrained.iterations} iterations (${classes}), stopped where ${validation} peaked${heldOut}`
    : `Fine-tuned here on ${images?.train ?? '?'} images (${classes}), kept the weights of the best ${validation}${heldOut}`;
}

function readRates(): MeasuredRates {
  try {
    const text = localStorage.getItem(RATES_KEY);
    return text ? { ...DEFAULT_RATES, ...(JSON.parse(text) as Partial<MeasuredRates>) } : DEFAULT_RATES;
  } catch {
    return DEFAULT_RATES;
  }
}

/** Remembers this machine's measured rates, so the next estimate is closer. */
function saveRates(summary: DoneSummary, job: TrainJob): void {
  const seconds = summary.phaseSeconds;
  const rates: Partial<{ -readonly [K in keyof MeasuredRates]: number }> = {};
  const withProposals = [...job.train, ...(job.validation ?? []), ...job.test].filter((i) => !i.proposals).length;
  if (seconds.proposals && withProposals > 0) rates.proposalSeconds = seconds.proposals / withProposals;
  // the training phase holds both runs when the recipe trained again on train + validation
  const iterations = summary.iterations + (summary.retrained?.iterations ?? 0);
  if (seconds.training && iterations > 0) rates.iterationSeconds = seconds.training / iterations / iterationCostFactor(job.config.scale);
  const evaluated = (summary.validation?.length ?? 0) * (job.validation?.length ?? 0) + (seconds.evaluating ? job.test.length : 0);
  const evaluating = (seconds.validating ?? 0) + (seconds.evaluating ?? 0);
  if (evaluating > 0 && evaluated > 0) rates.evaluationSeconds = evaluating / evaluated / (job.config.scale / 600) ** 2;
  if (seconds.exporting) rates.exportSeconds = seconds.exporting;
  localStorage.setItem(RATES_KEY, JSON.stringify({ ...readRates(), ...rates }));
}
