/**
 * The element's attributes as typed values: parsing with defaults, so a bad value falls back instead of throwing
 * (like <img width="abc">). What each attribute does is documented on the element's properties.
 */
import type { LayerState } from '../render/scene';
import type { BackendName, BackendPreference, ProposalMode } from '../api/types';

export const OBSERVED_ATTRIBUTES = [
  'model', 'assets-base', 'backend', 'src', 'score-threshold', 'iou-threshold', 'layers', 'max-proposals', 'proposal-mode', 'input-scale',
] as const;

export type ObservedAttribute = (typeof OBSERVED_ATTRIBUTES)[number];

/** What each attribute change needs: a new model, a new detection run, or only a redraw. */
export const ATTRIBUTE_EFFECT: Record<ObservedAttribute, 'model' | 'image' | 'detect' | 'redraw'> = {
  model: 'model',
  'assets-base': 'model',
  backend: 'model', // the page's backend is chosen once, by the first detector: a later change only reloads the model
  src: 'image',
  'max-proposals': 'detect',
  'proposal-mode': 'detect',
  'input-scale': 'detect',
  'score-threshold': 'redraw',
  'iou-threshold': 'redraw',
  layers: 'redraw',
};

export const DEFAULT_SCORE_THRESHOLD = 0.5;
export const DEFAULT_IOU_THRESHOLD = 0.3;
export const DEFAULT_LAYER_NAMES = 'detections labels';

/** Layer names as written in the `layers` attribute -> the scene's switches. */
const LAYER_KEYS: Record<string, keyof LayerState> = {
  detections: 'detections',
  labels: 'labels',
  proposals: 'proposals',
  suppressed: 'suppressed',
  'pre-regression': 'preRegression',
};

export const LAYER_NAMES: readonly string[] = Object.keys(LAYER_KEYS);

/** A space- or comma-separated list of layer names; unknown names are ignored. */
export function parseLayers(value: string | null): LayerState {
  const names = (value ?? DEFAULT_LAYER_NAMES).split(/[\s,]+/).filter(Boolean);
  // the RPN's layers stay off: the element detects with selective search or dense boxes (parseProposalMode)
  const layers: Record<keyof LayerState, boolean> = {
    detections: false, labels: false, proposals: false, suppressed: false, preRegression: false, rpnProposals: false, objectness: false,
  };
  for (const name of names) {
    const key = LAYER_KEYS[name.toLowerCase()];
    if (key !== undefined) layers[key] = true;
  }
  return layers;
}

/** A number in [min, max], else `fallback`. */
export function parseNumber(value: string | null, fallback: number, min = -Infinity, max = Infinity): number {
  if (value === null || value.trim() === '') return fallback;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= min && parsed <= max ? parsed : fallback;
}

/** An optional number (absent or invalid -> undefined, so the library's default applies). */
export function parseOptionalNumber(value: string | null, min: number, max = Infinity): number | undefined {
  const parsed = parseNumber(value, Number.NaN, min, max);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export function parseProposalMode(value: string | null): ProposalMode {
  return value === 'quality' || value === 'dense' ? value : 'fast';
}

const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

/**
 * `backend`: 'auto' (default), 'keep', one of webgpu / wasm / webgl / cpu, or several in order ("webgl wasm");
 * anything else is the default, as for every other attribute.
 */
export function parseBackend(value: string | null): BackendPreference {
  const text = (value ?? '').trim().toLowerCase();
  if (text === 'keep') return 'keep';
  const names = text.split(/[\s,]+/).filter(Boolean);
  if (names.length === 0 || !names.every((name) => BACKEND_NAMES.includes(name as BackendName))) return 'auto';
  return names.length === 1 ? (names[0] as BackendName) : (names as BackendName[]);
}
