/** The one-line status the element shows (always set as textContent, never parsed as HTML). */
import { stageText } from '../api/progress_text';
import type { DetectedObject, DetectProgress } from '../api/types';

/** "Finding candidate regions… 40%", "Running the network (wasm)…": the app's words (api/progress_text.ts). */
export function progressText(progress: DetectProgress, backend?: string | null): string {
  return stageText(progress, backend);
}

/** "3 objects: rbc ×2, wbc" */
export function resultText(objects: readonly DetectedObject[]): string {
  if (objects.length === 0) return 'No objects found';
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.label, (counts.get(o.label) ?? 0) + 1);
  const parts = [...counts].map(([label, n]) => (n > 1 ? `${label} ×${n}` : label));
  return `${objects.length} object${objects.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
