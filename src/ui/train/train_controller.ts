/**
 * The Fine-tune tab's behaviour: turn the annotated images into a TrainJob, run it in the training worker
 * (src/training/client.ts), follow its phases and losses, refresh the held-out preview from model snapshots, and
 * save the result as a model. The stage shows the held-out image with its detections and ground truth.
 */
import type { Box } from '../../geometry/box';
import { DEFAULT_HEAD } from '../../model/defaults';
import { deleteCheckpoint } from '../../training/checkpoint_store';
import { TrainingClient } from '../../training/client';
import { DEFAULT_TRAIN_CONFIG, checkpointInterval, scaledSolver } from '../../training/defaults';
import type { TrainImageSpec, TrainJob } from '../../training/protocol';
import type { AnnotateController } from '../annotate/annotate_controller';
import { classNamesOf, type AnnotatedImage } from '../annotate/annotation_set';
import { scaleResultToImage } from '../../model/scale_result';
import type { CanvasStage } from '../canvas/stage';
import { decodeImage, imageErrorMessage, type LoadedImage } from '../image_input';
import type { ModelsController } from '../models/models_controller';
import { MAX_PROPOSALS, PROPOSAL_MAX_SIDE } from '../models/fast_rcnn_service';
import type { StatusLine } from '../status';
import type { Store } from '../state/store';
import { DEFAULT_RATES, estimateRun, iterationCostFactor, type Estimate, type MeasuredRates } from '../../training/estimate';
import { PreviewDetector } from './preview';
import { previewScene } from './preview_scene';
import { forgetRun, interruptedRun, recordCheckpoint, rememberRun } from './interrupted_run';
import type { TrainSettings, TrainState } from './train_state';

const RATES_KEY = 'frcnn-train-rates';
export const PREVIEW_NMS = 0.3;

export class TrainController {
  private client: TrainingClient | null = null;
  private readonly proposals = new Map<string, Float32Array>();
  private urls: string[] = [];
  private readonly preview = new PreviewDetector();
  /** The held-out image's bitmap (possibly shrunk) and the original's size, which boxes are measured in. */
  private previewBitmap: { id: string; bitmap: ImageBitmap; width: number; height: number } | null = null;
  private previewEvery = 10;
  private lastPreviewAt = 0;
  private active = false;

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
    if (interrupted) store.set({ interrupted: { checkpoint: interrupted.checkpoint, iterations: interrupted.settings.iterations } });
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

  estimate(): Estimate {
    const { settings } = this.store.get();
    const train = this.trainImages();
    const test = this.testImages();
    return estimateRun({
      train, test, iterations: settings.iterations, scale: settings.scale, maxSize: Math.round(settings.scale * 5 / 3),
      flipped: settings.flipped, verticalFlips: settings.verticalFlips ?? false, needProposals: [...train, ...test].filter((i) => !this.proposals.has(i.id)).length,
    }, readRates());
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
    this.launch(this.store.get().settings, this.trainImages(), this.testImages(), `page-${Date.now()}`);
  }

  /** Goes on with the run a reload interrupted, from its last checkpoint, on the same images and settings. */
  resumeInterrupted(): void {
    const run = interruptedRun();
    if (!run) return this.store.set({ interrupted: null });
    if (this.store.get().running) return this.status.error('A run is already going.');
    const images = new Map(this.annotate.store.get().set.images.map((image) => [image.id, image]));
    const missing = [...run.trainIds, ...run.testIds].filter((id) => !images.has(id) || !this.annotate.blobs.get(id));
    if (missing.length > 0) {
      return this.status.error(`The interrupted run cannot resume yet: ${missing.length} of its images are not in the Annotate tab (still loading, or removed).`);
    }
    this.store.set({ settings: run.settings });
    this.launch(run.settings, run.trainIds.map((id) => images.get(id)!), run.testIds.map((id) => images.get(id)!), run.runId, run.checkpoint);
  }

  /** Drops the interrupted run and its checkpoint. */
  discardInterrupted(): void {
    const run = interruptedRun();
    forgetRun();
    if (run) void deleteCheckpoint(run.runId).catch(() => undefined);
    this.store.set({ interrupted: null });
  }

  /** A new run, or (resumeFrom given: its last checkpoint, null when none was saved) the interrupted one again. */
  private launch(settings: TrainSettings, trainImages: AnnotatedImage[], testImages: AnnotatedImage[], runId: string, resumeFrom?: number | null): void {
    const resume = resumeFrom !== undefined;
    const set = this.annotate.store.get().set;
    const classNames = classNamesOf(set);
    const classIndex = new Map([...set.classes].sort((a, b) => a.id - b.id).map((c, i) => [c.id, i + 1]));
    const spec = (image: AnnotatedImage): TrainImageSpec => {
      const url = URL.createObjectURL(this.annotate.blobs.get(image.id)!);
      this.urls.push(url);
      return {
        id: image.id, url, gtBoxes: image.boxes.flatMap((b) => [...b.box]), gtClasses: image.boxes.map((b) => classIndex.get(b.classId)!),
        proposals: this.proposals.get(image.id),
      };
    };
    const train = trainImages.map(spec);
    const test = testImages.map(spec);
    const job: TrainJob = {
      runId, mode: 'train', classNames, train, test,
      config: { ...DEFAULT_TRAIN_CONFIG, solver: { ...scaledSolver(settings.iterations), baseLr: settings.learningRate },
        scale: settings.scale, maxSize: Math.round(settings.scale * 5 / 3), useFlipped: settings.flipped, useVerticalFlips: settings.verticalFlips ?? false,
        sampling: { ...DEFAULT_TRAIN_CONFIG.sampling, bgThreshLo: settings.backgroundAnywhere ? 0 : DEFAULT_TRAIN_CONFIG.sampling.bgThreshLo },
        checkpointEvery: checkpointInterval(settings.iterations) },
      head: DEFAULT_HEAD, backend: settings.backend, featureBackend: settings.backend === 'cpu' ? 'wasm' : settings.backend,
      proposalMode: 'fast', proposalMaxSide: PROPOSAL_MAX_SIDE, maxProposals: MAX_PROPOSALS,
      resume, evaluateAtEnd: test.length > 0, svdRanks: { fc6: null, fc7: null },
    };
    rememberRun({ runId, settings, trainIds: trainImages.map((i) => i.id), testIds: testImages.map((i) => i.id), checkpoint: resumeFrom ?? null });
    this.previewEvery = Math.max(5, Math.round(settings.iterations / 8));
    this.lastPreviewAt = 0;
    this.store.set({ running: true, paused: false, phase: 'setup', phaseDone: 0, phaseTotal: 0, phaseDetail: null, progress: null, losses: [],
      evaluation: null, files: null, summary: null, error: null, preview: null, savedAs: null, interrupted: null });
    const from = resume ? ` (resuming from ${resumeFrom === null ? 'the start: no checkpoint was saved' : `the checkpoint at iteration ${resumeFrom}`})` : '';
    this.status.busy(`Fine-tuning on ${train.length} images${test.length ? `, ${test.length} held out` : ''}${from}…`);
    this.run(job);
  }

  private run(job: TrainJob): void {
    let warning: string | null = null;
    const client = new TrainingClient(job, {
      onWarning: (message) => {
        warning = message;
        this.status.error(`Fine-tuning: ${message}`);
      },
      onPhase: (phase, done, total, detail) => this.store.set({ phase: phase as TrainState['phase'], phaseDone: done, phaseTotal: total, phaseDetail: detail ?? null }),
      onProposals: (id, boxes) => this.proposals.set(id, boxes),
      onProgress: (progress) => {
        const point = { iteration: progress.iteration, ...progress.smoothedLoss };
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
      onModel: (files) => {
        this.store.set({ files });
        void this.refreshPreview(files);
      },
    });
    this.client = client;
    client.done.then((summary) => {
      this.store.set({ running: false, paused: false, phase: summary.cancelled ? 'cancelled' : 'done', summary });
      if (!summary.cancelled) saveRates(summary.phaseSeconds, job);
      const ended = summary.cancelled ? 'Fine-tuning cancelled.' : `Fine-tuning finished: ${summary.iterations} iterations in ${Math.round(summary.seconds)} s.`;
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
    const { files, evaluation, summary } = this.store.get();
    if (!files) return this.status.error('There is no trained model to save yet.');
    const set = this.annotate.store.get().set;
    const mAP = evaluation ? `, held-out mAP ${(evaluation.metric.voc07.mAP * 100).toFixed(1)}%` : '';
    const description = `Fine-tuned here on ${this.trainImages().length} images, ${summary?.iterations ?? '?'} iterations (${classNamesOf(set).join(', ')})${mAP}`;
    const saved = await this.models.saveFiles(files, name, description, true);
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

  private async refreshPreview(files: Parameters<PreviewDetector['update']>[0]): Promise<void> {
    const { previewId, progress } = this.store.get();
    const proposals = previewId ? this.proposals.get(previewId) : undefined;
    if (!previewId || !proposals || !(await this.preview.update(files))) return;
    await this.loadPreviewImage();
    if (this.previewBitmap?.id !== previewId) return;
    try {
      // proposals are in the original's pixels, the bitmap may be a shrunk copy: detect in its pixels, map back
      const shown = this.previewBitmap;
      const scale = shown.bitmap.width / shown.width;
      const found = await this.preview.detect(shown.bitmap, scale === 1 ? proposals : proposals.map((v) => v * scale), PREVIEW_NMS);
      const result = found && scaleResultToImage(found, shown);
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

function readRates(): MeasuredRates {
  try {
    const text = localStorage.getItem(RATES_KEY);
    return text ? { ...DEFAULT_RATES, ...(JSON.parse(text) as Partial<MeasuredRates>) } : DEFAULT_RATES;
  } catch {
    return DEFAULT_RATES;
  }
}

/** Remembers this machine's measured rates, so the next estimate is closer. */
function saveRates(seconds: Partial<Record<string, number>>, job: TrainJob): void {
  const rates: Partial<{ -readonly [K in keyof MeasuredRates]: number }> = {};
  const withProposals = [...job.train, ...job.test].filter((i) => !i.proposals).length;
  if (seconds.proposals && withProposals > 0) rates.proposalSeconds = seconds.proposals / withProposals;
  if (seconds.training && job.config.solver.iterations > 0) {
    rates.iterationSeconds = seconds.training / job.config.solver.iterations / iterationCostFactor(job.config.scale);
  }
  if (seconds.exporting) rates.exportSeconds = seconds.exporting;
  localStorage.setItem(RATES_KEY, JSON.stringify({ ...readRates(), ...rates }));
}
