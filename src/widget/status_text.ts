/** The one-line status the element shows (always set as textContent, never parsed as HTML). */
import type { DetectedObject, DetectProgress } from '../api/types';

const STAGE_TEXT: Record<DetectProgress['stage'], string> = {
  backend: 'Starting the backend…',
  model: 'Loading the model…',
  proposals: 'Finding object proposals…',
  network: 'Running the network…',
};

export function progressText(progress: DetectProgress): string {
  if (progress.notice) return progress.notice;
  const percent = progress.fraction === null || progress.fraction >= 1 ? '' : ` ${Math.round(progress.fraction * 100)}%`;
  return `${STAGE_TEXT[progress.stage]}${percent}`;
}

/** "3 objects: rbc ×2, wbc" */
export function resultText(objects: readonly DetectedObject[]): string {
  if (objects.length === 0) return 'No objects found';
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.label, (counts.get(o.label) ?? 0) + 1);
  const parts = [...counts].map(([label, n]) => (n > 1 ? `${label} ×${n}` : label));
  return `${objects.length} object${objects.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
