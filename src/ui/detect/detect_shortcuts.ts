/**
 * Detect-tab keys (listed in shortcuts.ts): layer toggles, score threshold steps, Esc to cancel the running
 * detection or else clear the selection.
 */
import type { LayerState } from '../../render/scene';
import type { Store } from '../state/store';
import type { DetectState } from './detect_state';

const LAYER_KEYS: Record<string, keyof LayerState> = {
  p: 'proposals', b: 'preRegression', s: 'suppressed', l: 'labels', r: 'rpnProposals', o: 'objectness',
};

/**
 * Handles the key if it is a Detect shortcut; returns whether it did. `cancel` stops the running detection and
 * says whether there was one (DetectController.cancel).
 */
export function handleDetectKey(event: KeyboardEvent, store: Store<DetectState>, cancel: () => boolean = () => false): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  const state = store.get();
  const layer = LAYER_KEYS[event.key.toLowerCase()];
  if (layer) {
    store.set({ layers: { ...state.layers, [layer]: !state.layers[layer] } });
    return true;
  }
  if (event.key === '[' || event.key === ']') {
    const step = event.key === ']' ? 0.05 : -0.05;
    store.set({ scoreThreshold: Math.round(Math.min(1, Math.max(0, state.scoreThreshold + step)) * 100) / 100 });
    return true;
  }
  if (event.key === 'Escape' && state.run === 'running' && cancel()) return true;
  if (event.key === 'Escape' && (state.selectedKey || state.hoverKey)) {
    store.set({ selectedKey: null, hoverKey: null });
    return true;
  }
  return false;
}
