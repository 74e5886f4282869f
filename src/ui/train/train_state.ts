/** State of the Fine-tune tab: settings, the run's progress and results. */
import type { DetectionResult } from '../../model/detection_types';
import type { DoneSummary, EvaluationSummary, ModelFiles, Phase, TrainBackend, TrainProgress } from '../../training/protocol';
import { Store } from '../state/store';
import type { LossPoint } from './loss_plot';

export interface TrainSettings {
  readonly iterations: number;
  readonly learningRate: number;
  /** Shortest side of the training image in pixels (TrainConfig.scale). */
  readonly scale: number;
  readonly flipped: boolean;
  /** Also train on vertically flipped copies (TrainConfig.useVerticalFlips); absent in runs remembered before it existed. */
  readonly verticalFlips?: boolean;
  /** Background RoIs from anywhere in the image (IoU in [0, 0.5)) instead of near objects only ([0.1, 0.5), the paper). */
  readonly backgroundAnywhere?: boolean;
  readonly backend: TrainBackend;
}

export type RunPhase = 'idle' | Phase | 'done' | 'cancelled' | 'failed';

export interface TrainState {
  readonly settings: TrainSettings;
  readonly running: boolean;
  readonly paused: boolean;
  readonly phase: RunPhase;
  readonly phaseDone: number;
  readonly phaseTotal: number;
  readonly phaseDetail: string | null;
  readonly progress: TrainProgress | null;
  readonly losses: readonly LossPoint[];
  readonly evaluation: EvaluationSummary | null;
  readonly files: ModelFiles | null;
  readonly summary: DoneSummary | null;
  readonly error: string | null;
  /** The held-out image shown on the stage and its latest detections. */
  readonly previewId: string | null;
  readonly preview: { readonly result: DetectionResult; readonly iteration: number } | null;
  /** The model saved from this run, once saved. */
  readonly savedAs: string | null;
  /** A run a reload (or a crash) interrupted, which can be resumed from its last checkpoint. */
  readonly interrupted: { readonly checkpoint: number | null; readonly iterations: number } | null;
}

export const DEFAULT_SETTINGS: TrainSettings = { iterations: 200, learningRate: 0.001, scale: 600, flipped: true, verticalFlips: false, backgroundAnywhere: false, backend: 'wasm' };

export function createTrainStore(): Store<TrainState> {
  return new Store<TrainState>({
    settings: DEFAULT_SETTINGS, running: false, paused: false, phase: 'idle', phaseDone: 0, phaseTotal: 0, phaseDetail: null,
    progress: null, losses: [], evaluation: null, files: null, summary: null, error: null, previewId: null, preview: null, savedAs: null,
    interrupted: null,
  });
}
