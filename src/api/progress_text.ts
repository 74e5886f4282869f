/**
 * Progress in words, for the app's Detect tab and the widget (both show what detect() is doing while it runs):
 * the stage as a short sentence, and the elapsed time as a counter that ticks in whole seconds. Pure: no tfjs.
 */
import type { DetectProgress } from '../pipeline/types';

/** A run shorter than this shows no elapsed time and no Cancel button, so fast runs do not flicker. */
export const PROGRESS_DELAY_MS = 1000;

/** How often a shown elapsed time is redrawn (it shows whole seconds), in the app and the widget. */
export const PROGRESS_TICK_MS = 250;

const STAGE_WORDS: Record<DetectProgress['stage'], string> = {
  backend: 'Starting the backend',
  model: 'Loading the model',
  proposals: 'Finding candidate regions',
  network: 'Running the network',
};

/**
 * "Finding candidate regions… 40%", "Running the network (wasm)…"; the stage's notice (e.g. a restarted GPU
 * backend) when it has one. `backend` names where the network runs; it is shown for the network stage only.
 */
export function stageText(progress: Pick<DetectProgress, 'stage' | 'fraction' | 'notice'>, backend?: string | null): string {
  if (progress.notice) return progress.notice;
  const where = progress.stage === 'network' && backend ? ` (${backend})` : '';
  const { fraction } = progress;
  const percent = fraction === null || !Number.isFinite(fraction) || fraction <= 0 || fraction >= 1 ? '' : ` ${Math.round(fraction * 100)}%`;
  return `${STAGE_WORDS[progress.stage]}${where}…${percent}`;
}

/** Whole seconds, rounded down, as a counter reads: "0 s", "12 s", "1 min 05 s", "1 h 02 min". */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(Number.isFinite(ms) ? ms / 1000 : 0));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Whether a run that has lasted `elapsedMs` shows its elapsed time and Cancel (see PROGRESS_DELAY_MS). */
export function showsProgress(elapsedMs: number): boolean {
  return elapsedMs >= PROGRESS_DELAY_MS;
}

/** "Detection cancelled after 3 s." (under a second: without the time). */
export function cancelledText(elapsedMs: number): string {
  return showsProgress(elapsedMs) ? `Detection cancelled after ${formatElapsed(elapsedMs)}.` : 'Detection cancelled.';
}
