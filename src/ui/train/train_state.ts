/** State of the Fine-tune tab: the user's settings over the recipe, the run's progress and results. */
import type { DetectionResult } from '../../model/detection_types';
import type { DoneSummary, EvaluationSummary, ModelFiles, Phase, TrainProgress, ValidationPoint } from '../../training/protocol';
import { Store } from '../state/store';
import type { LossPoint } from './loss_plot';
import { RECOMMENDED_SETTINGS, type TrainSettings } from './train_plan';

export type { TrainSettings } from './train_plan';

export type RunPhase = 'idle' | Phase | 'done' | 'cancelled' | 'failed';

export interface TrainState {
  /** What the user changed over the recommended recipe (nothing, to begin with). */
  readonly settings: TrainSettings;
  readonly running: boolean;
  readonly paused: boolean;
  readonly phase: RunPhase;
  readonly phaseDone: number;
  readonly phaseTotal: number;
  readonly phaseDetail: string | null;
  readonly progress: TrainProgress | null;
  readonly losses: readonly LossPoint[];
  /** Validation mAP measured so far in this run (the live curve). */
  readonly validation: readonly ValidationPoint[];
  /** The run as launched: how many images train, validate and are held out, and its (first run's) iterations. */
  readonly launched: { readonly train: number; readonly validation: number; readonly test: number; readonly iterations: number } | null;
  /** The second run on train + validation images has begun (the recipe's "after validation"); its losses replace the first's. */
  readonly retraining: boolean;
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

export function createTrainStore(): Store<TrainState> {
  return new Store<TrainState>({
    settings: RECOMMENDED_SETTINGS, running: false, paused: false, phase: 'idle', phaseDone: 0, phaseTotal: 0, phaseDetail: null,
    progress: null, losses: [], validation: [], launched: null, retraining: false, evaluation: null, files: null, summary: null, error: null, previewId: null, preview: null, savedAs: null,
    interrupted: null,
  });
}
