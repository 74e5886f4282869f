/**
 * The Fine-tune run in progress, remembered in localStorage while it runs, so that after a reload (or a crash) the
 * tab can offer to resume it: the worker then goes on from the run's last IndexedDB checkpoint
 * (src/training/checkpoint_store.ts), losing at most one checkpoint interval. Forgotten when the run ends.
 * What is stored is enough to build the same job again: the user's settings over the recipe, the iteration count
 * the recipe gave, and which images trained, validated and were held out.
 */
import type { TrainSettings } from './train_plan';

export interface InterruptedRun {
  readonly runId: string;
  readonly settings: TrainSettings;
  /** The run's iteration count (the recipe's may differ after a reload: it depends on the measured rates). */
  readonly iterations: number;
  /** Image ids, in the order the run used them (the image order in the checkpoint depends on it). */
  readonly trainIds: readonly string[];
  readonly validationIds: readonly string[];
  readonly testIds: readonly string[];
  /** Iteration of the last checkpoint the worker reported; null before the first. */
  readonly checkpoint: number | null;
}

const KEY = 'frcnn-train-run';

export function rememberRun(run: InterruptedRun): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(run));
  } catch {
    // no storage (private mode, quota): the run still trains, it just cannot be resumed after a reload
  }
}

export function recordCheckpoint(runId: string, iteration: number): void {
  const run = interruptedRun();
  if (run?.runId === runId) rememberRun({ ...run, checkpoint: iteration });
}

export function forgetRun(runId?: string): void {
  try {
    if (runId === undefined || interruptedRun()?.runId === runId) localStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}

export function interruptedRun(): InterruptedRun | null {
  try {
    const text = localStorage.getItem(KEY);
    const run = text ? (JSON.parse(text) as Partial<InterruptedRun>) : null;
    // a run remembered before the recipe (flat settings, no validation ids) is not offered: its job cannot be rebuilt
    return run && typeof run.runId === 'string' && typeof run.settings?.overrides === 'object' && typeof run.iterations === 'number'
      && Array.isArray(run.trainIds) && Array.isArray(run.validationIds) && Array.isArray(run.testIds) ? (run as InterruptedRun) : null;
  } catch {
    return null;
  }
}
