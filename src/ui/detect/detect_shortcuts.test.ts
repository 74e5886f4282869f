import { describe, expect, it, vi } from 'vitest';
import { handleDetectKey } from './detect_shortcuts';
import { createDetectStore } from './detect_state';

/** Only what handleDetectKey reads of a KeyboardEvent (Node has none). */
function key(name: string): KeyboardEvent {
  return { key: name, ctrlKey: false, metaKey: false, altKey: false } as KeyboardEvent;
}

describe('layer keys in the Detect tab', () => {
  it('R and O toggle the RPN\'s proposals and objectness layers', () => {
    const store = createDetectStore();
    expect(handleDetectKey(key('r'), store)).toBe(true);
    expect(handleDetectKey(key('O'), store)).toBe(true);
    expect(store.get().layers).toMatchObject({ rpnProposals: true, objectness: true, proposals: false });
    handleDetectKey(key('r'), store);
    expect(store.get().layers.rpnProposals).toBe(false);
  });
});

describe('Escape in the Detect tab', () => {
  it('cancels the running detection first, and leaves the selection alone', () => {
    const store = createDetectStore();
    store.set({ run: 'running', selectedKey: '1:0' });
    const cancel = vi.fn(() => true);
    expect(handleDetectKey(key('Escape'), store, cancel)).toBe(true);
    expect(cancel).toHaveBeenCalledOnce();
    expect(store.get().selectedKey).toBe('1:0');
  });

  it('clears the selection when no detection runs', () => {
    const store = createDetectStore();
    store.set({ run: 'done', selectedKey: '1:0' });
    const cancel = vi.fn(() => true);
    expect(handleDetectKey(key('Escape'), store, cancel)).toBe(true);
    expect(cancel).not.toHaveBeenCalled();
    expect(store.get().selectedKey).toBeNull();
  });

  it('is not handled when nothing runs and nothing is selected', () => {
    const store = createDetectStore();
    store.set({ run: 'cancelled' });
    expect(handleDetectKey(key('Escape'), store, () => false)).toBe(false);
  });
});
