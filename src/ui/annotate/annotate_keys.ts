/** Annotate-tab keys (listed in shortcuts.ts), in the style of CVAT and makesense. */
import type { EditorAction, EditorState } from './editor';

export type AnnotateCommand = EditorAction | { readonly type: 'image'; readonly direction: 1 | -1 };

/** The command for a key press, or null when the key is not an Annotate shortcut. */
export function annotateKeyCommand(event: KeyboardEvent, state: EditorState): AnnotateCommand | null {
  const ctrl = event.ctrlKey || event.metaKey;
  const key = event.key;
  if (ctrl && !event.altKey) {
    if (key.toLowerCase() === 'z') return { type: event.shiftKey ? 'redo' : 'undo' };
    if (key.toLowerCase() === 'y') return { type: 'redo' };
    return null;
  }
  if (key === 'Escape') return { type: 'cancel' };
  if (key === 'Delete' || key === 'Backspace') return state.selectedId ? { type: 'deleteSelected' } : null;
  // Tab only when the controller decided it stays in the canvas (annotate_controller.ts tabCyclesBoxes).
  if (key === 'Tab') return state.doc.boxes.length > 0 ? { type: 'selectNext', direction: event.shiftKey ? -1 : 1 } : null;
  const arrow = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[key];
  if (arrow && state.selectedId) {
    const step = event.shiftKey ? 10 : 1;
    return { type: event.altKey ? 'grow' : 'nudge', dx: arrow[0] * step, dy: arrow[1] * step };
  }
  if (event.altKey) return null;
  const lower = key.toLowerCase();
  if (lower === 'n') return { type: 'setTool', tool: state.tool === 'draw' ? 'select' : 'draw' };
  if (lower === 'f') return { type: 'image', direction: 1 };
  if (lower === 'd') return { type: 'image', direction: -1 };
  if (/^[1-9]$/.test(key)) {
    const cls = [...state.doc.classes].sort((a, b) => a.id - b.id)[Number(key) - 1];
    return cls ? { type: 'chooseClass', classId: cls.id } : null;
  }
  return null;
}
