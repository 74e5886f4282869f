/**
 * window.frcnnTestApi: what the canvas shows, as data, for Playwright (canvas content cannot be read through the DOM).
 * Read-only views of the page's state, plus showDetectionResult() so drawing tests can use a fixture without running
 * a network. Installed in development builds and with ?e2e in the URL only.
 */
import type { DetectionResult } from '../model/detection_types';
import type { DrawnObject } from '../render/scene';
import type { DrawnLabels } from '../render/renderer';
import type { CanvasStage } from './canvas/stage';
import { imagePointToScreen } from '../render/viewport';
import type { AnnotateController } from './annotate/annotate_controller';
import type { DetectController } from './detect/detect_controller';
import type { ModelsController } from './models/models_controller';
import type { TrainController } from './train/train_controller';
import { recipeHeadline, type EffectiveSettings, type UiOverrides } from './train/train_plan';
import type { TabId, Tabs } from './tabs';

export interface DetectSnapshot {
  readonly image: { readonly name: string; readonly width: number; readonly height: number } | null;
  readonly run: string;
  readonly layers: Record<string, boolean>;
  readonly scoreThreshold: number;
  readonly nmsIouThreshold: number;
  readonly hoverKey: string | null;
  readonly selectedKey: string | null;
  readonly detectionKeys: readonly string[];
  readonly suppressedKeys: readonly string[];
}

export interface FrcnnTestApi {
  /** The tab showing. */
  tab(): TabId;
  /** Everything drawn on the stage now, in draw order. */
  scene(): readonly DrawnObject[];
  /** Where the stage's labels are drawn now (CSS pixels of the canvas), and the objects whose label was left out. */
  labels(): DrawnLabels;
  /** RGBA pixels of the overlay canvas in a (2r+1)² device-pixel square around an image point. */
  overlayPixels(imageX: number, imageY: number, radius?: number): [number, number, number, number][];
  /** Page (client) coordinates of an image point, for page.mouse. */
  imageToClient(imageX: number, imageY: number): { x: number; y: number };
  /** The size of the image the stage shows: {0, 0} until the picked image is decoded and on the stage. */
  shownImageSize(): { width: number; height: number };
  detect(): DetectSnapshot;
  showDetectionResult(result: DetectionResult): void;
  annotate(): AnnotateSnapshot;
  train(): TrainSnapshot;
  models(): ModelsSnapshot;
  /** Extra parts (training, models) add themselves here. */
  readonly parts: Record<string, unknown>;
}

export interface AnnotateSnapshot {
  readonly images: readonly { readonly name: string; readonly boxes: number; readonly split: string; readonly width: number; readonly height: number }[];
  readonly current: string | null;
  readonly classes: readonly string[];
  readonly tool: string;
  readonly interaction: string;
  readonly activeClass: string | null;
  readonly selectedId: string | null;
  /** Boxes of the current image, in image pixels. */
  readonly boxes: readonly { readonly id: string; readonly className: string; readonly box: readonly number[] }[];
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly save: string;
}

export interface TrainSnapshot {
  readonly running: boolean;
  readonly paused: boolean;
  readonly phase: string;
  readonly iteration: number;
  readonly iterations: number;
  /** Smoothed total loss per reported iteration. */
  readonly losses: readonly number[];
  /** The RPN's loss per reported iteration, when the run trains one. */
  readonly rpnLosses: readonly number[];
  /** The first iteration this run reported (after a resume: the one after its checkpoint). */
  readonly firstIteration: number | null;
  /** A run a reload interrupted (resumable), with its last checkpoint. */
  readonly interrupted: { readonly checkpoint: number | null; readonly iterations: number } | null;
  readonly previewIteration: number | null;
  readonly previewDetections: number | null;
  /** The best detection score on the held-out preview image. */
  readonly previewBestScore: number | null;
  readonly mAP: number | null;
  /** The settings Start would run with (the recommended recipe with the user's overrides), null with nothing to train. */
  readonly settings: EffectiveSettings | null;
  /** What the user changed over the recipe. */
  readonly overrides: UiOverrides;
  /** The Settings section's recipe: its headline, choices and estimate, and the validation images it set aside. */
  readonly recipe: {
    readonly headline: string;
    readonly choices: readonly { readonly setting: string; readonly value: string; readonly why: string }[];
    readonly estimatedSeconds: number;
    readonly trainImages: number;
    readonly validationImages: number;
  } | null;
  /** Validation mAP measured so far in this run. */
  readonly validation: readonly { readonly iteration: number; readonly mAP: number }[];
  /** When the run is done: the iteration whose weights it kept, its wall time and the seconds per phase. */
  readonly chosenIteration: number | null;
  /** The second run on train + validation images: going on now, and (when done) its images and iterations. */
  readonly retraining: boolean;
  readonly retrained: { readonly images: number; readonly iterations: number } | null;
  readonly seconds: number | null;
  readonly phaseSeconds: Readonly<Record<string, number | undefined>> | null;
  readonly hasModel: boolean;
  /** The trained model's RPN: its weight names in model.json and its anchor sides (px at ratio 1); null without one. */
  readonly rpn: { readonly weights: readonly string[]; readonly anchorSides: readonly number[] } | null;
  readonly savedAs: string | null;
}

export interface ModelsSnapshot {
  readonly models: readonly { readonly name: string; readonly source: string }[];
  readonly active: string | null;
  readonly state: string;
}

export interface Controllers {
  readonly detect: DetectController;
  readonly annotate: AnnotateController;
  readonly train: TrainController;
  readonly models: ModelsController;
}

declare global {
  interface Window {
    frcnnTestApi?: FrcnnTestApi;
  }
}

/** What a model.json says of its RPN (a test's view of the saved file: the weights under rpn/ and the anchors' sides). */
function savedRpn(modelJson: string): TrainSnapshot['rpn'] {
  const json = JSON.parse(modelJson) as {
    modelTopology?: { config?: { rpn?: { anchors: { baseSize: number; scales: number[] } } } }; weightsManifest?: { weights: { name: string }[] }[];
  };
  const rpn = json.modelTopology?.config?.rpn;
  if (!rpn) return null;
  const weights = (json.weightsManifest ?? []).flatMap((group) => group.weights.map((w) => w.name)).filter((name) => name.startsWith('rpn/'));
  return { weights, anchorSides: rpn.anchors.scales.map((scale) => rpn.anchors.baseSize * scale) };
}

export function shouldInstallTestApi(): boolean {
  return import.meta.env.DEV || new URLSearchParams(location.search).has('e2e');
}

export function installTestApi(stage: CanvasStage, tabs: Tabs, { detect, annotate, train, models }: Controllers): FrcnnTestApi {
  const api: FrcnnTestApi = {
    tab: () => tabs.current(),
    scene: () => stage.getScene(),
    labels: () => stage.drawnLabels(),
    overlayPixels: (x, y, radius) => stage.overlayPixels(x, y, radius),
    imageToClient: (x, y) => {
      stage.drawNow();
      const rect = stage.element.getBoundingClientRect();
      const p = imagePointToScreen(stage.viewport, { x, y });
      return { x: rect.left + p.x, y: rect.top + p.y };
    },
    shownImageSize: () => stage.shownImageSize,
    detect: () => {
      const s = detect.store.get();
      const view = detect.view();
      return {
        image: s.image ? { name: s.image.name, width: s.image.width, height: s.image.height } : null,
        run: s.run,
        layers: { ...s.layers },
        scoreThreshold: s.scoreThreshold,
        nmsIouThreshold: s.nmsIouThreshold,
        hoverKey: s.hoverKey,
        selectedKey: s.selectedKey,
        detectionKeys: view?.detections.map((d) => d.key) ?? [],
        suppressedKeys: view?.suppressed.map((d) => d.key) ?? [],
      };
    },
    showDetectionResult: (result) => detect.showResult(result),
    annotate: () => {
      const { set, currentId, editor, save } = annotate.store.get();
      const names = new Map(editor.doc.classes.map((c) => [c.id, c.name]));
      return {
        images: set.images.map((i) => ({ name: i.name, boxes: i.boxes.length, split: i.split, width: i.width, height: i.height })),
        current: annotate.current()?.name ?? null,
        classes: [...editor.doc.classes].sort((a, b) => a.id - b.id).map((c) => c.name),
        tool: editor.tool,
        interaction: editor.interaction.kind,
        activeClass: names.get(editor.activeClassId) ?? null,
        selectedId: editor.selectedId,
        boxes: currentId ? editor.doc.boxes.map((b) => ({ id: b.id, className: names.get(b.classId) ?? '?', box: [...b.box] })) : [],
        canUndo: editor.past.length > 0,
        canRedo: editor.future.length > 0,
        save,
      };
    },
    train: () => {
      const s = train.store.get();
      const plan = train.plan();
      return {
        running: s.running, paused: s.paused, phase: s.phase,
        iteration: s.progress?.iteration ?? 0, iterations: s.progress?.iterations ?? plan?.settings.iterations ?? 0,
        losses: s.losses.map((p) => p.total), rpnLosses: s.losses.flatMap((p) => (p.rpn === undefined ? [] : [p.rpn])), firstIteration: s.losses[0]?.iteration ?? null,
        interrupted: s.interrupted,
        previewIteration: s.preview?.iteration ?? null, previewDetections: s.preview?.result.detections.length ?? null,
        previewBestScore: s.preview ? Math.max(0, ...s.preview.result.detections.map((d) => d.score)) : null,
        mAP: s.evaluation?.metric.voc07.mAP ?? null, hasModel: s.files != null, savedAs: s.savedAs, rpn: s.files && savedRpn(s.files.modelJson),
        settings: plan?.settings ?? null, overrides: s.settings.overrides,
        recipe: plan && {
          headline: recipeHeadline(plan), choices: plan.choices.map((c) => ({ ...c })), estimatedSeconds: plan.estimate.seconds,
          trainImages: plan.train.length, validationImages: plan.validation.length,
        },
        validation: s.validation.map((p) => ({ iteration: p.iteration, mAP: p.mAP })),
        chosenIteration: s.summary?.chosenIteration ?? null, retraining: s.retraining, retrained: s.summary?.retrained ?? null, seconds: s.summary?.seconds ?? null, phaseSeconds: s.summary ? { ...s.summary.phaseSeconds } : null,
      };
    },
    models: () => {
      const s = models.store.get();
      const status = models.service.status();
      return { models: s.models.map((m) => ({ name: m.name, source: m.source })), active: status.modelName, state: status.state };
    },
    parts: {},
  };
  window.frcnnTestApi = api;
  return api;
}
