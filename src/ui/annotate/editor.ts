/**
 * The annotation editor as a pure state machine: (state, action) -> state. No DOM; the controller turns pointer and
 * key events into actions, and the tests drive it directly.
 *
 * Drawing (CVAT's N, makesense's rectangle tool): click one corner, then the opposite one; a drag from corner to
 * corner works too. Selecting: click a box; drag it to move, drag a handle to resize. Every finished change pushes
 * the document as it was onto the undo stack (a whole drag is one step).
 */
import type { Box } from '../../geometry/box';
import type { Point } from '../../render/viewport';
import { clampPoint, hitHandle, normalizeBox, resizeBox, smallestAt, translateWithin, type HandleIndex } from './handles';

export interface AnnotationClass {
  /** 1-based, stable: renaming keeps the id, so boxes keep their class. */
  readonly id: number;
  readonly name: string;
}

export interface AnnotationBox {
  readonly id: string;
  readonly classId: number;
  readonly box: Box;
  /** PASCAL flags an imported box carried, kept through edits so export writes them back. */
  readonly difficult?: boolean;
  readonly truncated?: boolean;
}

/** What undo restores: the class list and the current image's boxes. */
export interface EditorDoc {
  readonly classes: readonly AnnotationClass[];
  readonly boxes: readonly AnnotationBox[];
}

export type Interaction =
  | { readonly kind: 'idle' }
  /** First corner placed (`placed`), or the button is still down after pressing at the anchor. */
  | { readonly kind: 'drawing'; readonly anchor: Point; readonly current: Point; readonly placed: boolean }
  | { readonly kind: 'moving'; readonly boxId: string; readonly start: Point; readonly original: Box; readonly before: EditorDoc }
  | { readonly kind: 'resizing'; readonly boxId: string; readonly handle: HandleIndex; readonly original: Box; readonly before: EditorDoc };

export type Tool = 'select' | 'draw';

export interface EditorState {
  readonly doc: EditorDoc;
  readonly imageSize: { readonly width: number; readonly height: number };
  readonly tool: Tool;
  readonly activeClassId: number;
  readonly selectedId: string | null;
  readonly interaction: Interaction;
  /** The pointer, for the crosshair while drawing; null when it is off the image. */
  readonly pointer: Point | null;
  readonly past: readonly EditorDoc[];
  readonly future: readonly EditorDoc[];
  readonly nextBoxNumber: number;
}

/** Boxes smaller than this (image pixels, either side) are taken as a stray click, not a box. */
export const MIN_BOX_SIZE = 2;
/** Undo keeps this many steps. */
export const UNDO_LIMIT = 200;

export type EditorAction =
  | { readonly type: 'pointerDown'; readonly point: Point; readonly tolerance: number }
  | { readonly type: 'pointerMove'; readonly point: Point }
  | { readonly type: 'pointerUp'; readonly point: Point; readonly tolerance: number }
  | { readonly type: 'pointerLeave' }
  | { readonly type: 'setTool'; readonly tool: Tool }
  | { readonly type: 'cancel' }
  | { readonly type: 'deleteSelected' }
  | { readonly type: 'select'; readonly id: string | null }
  | { readonly type: 'selectNext'; readonly direction: 1 | -1 }
  | { readonly type: 'nudge'; readonly dx: number; readonly dy: number }
  | { readonly type: 'grow'; readonly dx: number; readonly dy: number }
  | { readonly type: 'chooseClass'; readonly classId: number }
  | { readonly type: 'addClass'; readonly name: string }
  | { readonly type: 'renameClass'; readonly classId: number; readonly name: string }
  /** Boxes from elsewhere (accepted suggestions), with the class list they need: one undo step; the last is selected. */
  | { readonly type: 'addBoxes'; readonly classes: readonly AnnotationClass[]; readonly boxes: readonly { classId: number; box: Box }[] }
  | { readonly type: 'undo' }
  | { readonly type: 'redo' }
  /** A different image: its boxes, a fresh history. */
  | { readonly type: 'load'; readonly boxes: readonly AnnotationBox[]; readonly imageSize: { width: number; height: number } };

export function createEditor(classes: readonly AnnotationClass[], imageSize = { width: 0, height: 0 }): EditorState {
  return {
    doc: { classes, boxes: [] }, imageSize, tool: 'select', activeClassId: classes[0]?.id ?? 1, selectedId: null,
    interaction: { kind: 'idle' }, pointer: null, past: [], future: [], nextBoxNumber: 1,
  };
}

export function reduce(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'pointerDown': return pointerDown(state, action.point, action.tolerance);
    case 'pointerMove': return pointerMove(state, action.point);
    case 'pointerUp': return pointerUp(state, action.point, action.tolerance);
    case 'pointerLeave': return { ...state, pointer: null };
    case 'setTool': return { ...state, tool: action.tool, interaction: { kind: 'idle' } };
    case 'cancel': return cancel(state);
    case 'deleteSelected': return deleteSelected(state);
    case 'select': return { ...state, selectedId: action.id, tool: 'select', interaction: { kind: 'idle' } };
    case 'selectNext': return selectNext(state, action.direction);
    case 'nudge': return editSelected(state, (b) => translateWithin(b, action.dx, action.dy, state.imageSize));
    case 'grow': return editSelected(state, (b) => growBox(b, action.dx, action.dy, state.imageSize));
    case 'chooseClass': return chooseClass(state, action.classId);
    case 'addClass': return addClass(state, action.name);
    case 'renameClass': return renameClass(state, action.classId, action.name);
    case 'addBoxes': return addBoxes(state, action.classes, action.boxes);
    case 'undo': return undo(state);
    case 'redo': return redo(state);
    case 'load': return { ...state, doc: { ...state.doc, boxes: action.boxes }, imageSize: action.imageSize, selectedId: null,
      interaction: { kind: 'idle' }, past: [], future: [], nextBoxNumber: nextNumber(action.boxes) };
  }
}

/** The document changed: remember how it was, forget the redo branch. */
function commit(state: EditorState, doc: EditorDoc, before: EditorDoc = state.doc): EditorState {
  if (doc === before) return { ...state, doc };
  return { ...state, doc, past: [...state.past, before].slice(-UNDO_LIMIT), future: [] };
}

function pointerDown(state: EditorState, raw: Point, tolerance: number): EditorState {
  const point = clampPoint(raw, state.imageSize);
  const i = state.interaction;
  if (state.tool === 'draw') {
    if (i.kind === 'drawing' && i.placed) return finishDrawing(state, i.anchor, point);
    return { ...state, selectedId: null, pointer: point, interaction: { kind: 'drawing', anchor: point, current: point, placed: false } };
  }
  const selected = state.doc.boxes.find((b) => b.id === state.selectedId);
  const handle = selected ? hitHandle(selected.box, raw, tolerance) : null;
  if (selected && handle !== null) {
    return { ...state, interaction: { kind: 'resizing', boxId: selected.id, handle, original: selected.box, before: state.doc } };
  }
  const hit = smallestAt(state.doc.boxes, raw, tolerance);
  if (!hit) return { ...state, selectedId: null, interaction: { kind: 'idle' } };
  return { ...state, selectedId: hit.id, activeClassId: hit.classId,
    interaction: { kind: 'moving', boxId: hit.id, start: point, original: hit.box, before: state.doc } };
}

function pointerMove(state: EditorState, raw: Point): EditorState {
  const point = clampPoint(raw, state.imageSize);
  const i = state.interaction;
  if (i.kind === 'drawing') return { ...state, pointer: point, interaction: { ...i, current: point } };
  if (i.kind === 'moving') {
    const box = translateWithin(i.original, point.x - i.start.x, point.y - i.start.y, state.imageSize);
    return { ...state, pointer: point, doc: replaceBox(state.doc, i.boxId, box) };
  }
  if (i.kind === 'resizing') return { ...state, pointer: point, doc: replaceBox(state.doc, i.boxId, resizeBox(i.original, i.handle, point)) };
  return { ...state, pointer: point };
}

function pointerUp(state: EditorState, raw: Point, tolerance: number): EditorState {
  const point = clampPoint(raw, state.imageSize);
  const i = state.interaction;
  if (i.kind === 'drawing' && !i.placed) {
    const dragged = Math.max(Math.abs(point.x - i.anchor.x), Math.abs(point.y - i.anchor.y)) > tolerance;
    if (dragged) return finishDrawing(state, i.anchor, point);
    return { ...state, interaction: { ...i, placed: true } };
  }
  if (i.kind === 'moving' || i.kind === 'resizing') {
    const idle = { ...state, interaction: { kind: 'idle' } as const };
    const box = state.doc.boxes.find((b) => b.id === i.boxId)?.box;
    // A resize down to nothing is undone, not kept.
    if (box && (box[2] - box[0] < MIN_BOX_SIZE || box[3] - box[1] < MIN_BOX_SIZE)) return { ...idle, doc: i.before };
    return commit(idle, state.doc, i.before);
  }
  return state;
}

function finishDrawing(state: EditorState, anchor: Point, corner: Point): EditorState {
  const box = normalizeBox([anchor.x, anchor.y, corner.x, corner.y]);
  const idle = { ...state, interaction: { kind: 'idle' } as const, tool: 'select' as const };
  if (box[2] - box[0] < MIN_BOX_SIZE || box[3] - box[1] < MIN_BOX_SIZE) return idle;
  const id = `b${state.nextBoxNumber}`;
  const doc = { ...state.doc, boxes: [...state.doc.boxes, { id, classId: state.activeClassId, box }] };
  return { ...commit(idle, doc), selectedId: id, nextBoxNumber: state.nextBoxNumber + 1 };
}

function cancel(state: EditorState): EditorState {
  if (state.interaction.kind === 'drawing') return { ...state, interaction: { kind: 'idle' }, tool: 'select' };
  if (state.interaction.kind === 'moving' || state.interaction.kind === 'resizing') {
    return { ...state, doc: state.interaction.before, interaction: { kind: 'idle' } };
  }
  if (state.tool === 'draw') return { ...state, tool: 'select' };
  return { ...state, selectedId: null };
}

function deleteSelected(state: EditorState): EditorState {
  if (!state.selectedId) return state;
  const index = state.doc.boxes.findIndex((b) => b.id === state.selectedId);
  if (index < 0) return state;
  const boxes = state.doc.boxes.filter((b) => b.id !== state.selectedId);
  return { ...commit(state, { ...state.doc, boxes }), selectedId: null };
}

function selectNext(state: EditorState, direction: 1 | -1): EditorState {
  const boxes = state.doc.boxes;
  if (boxes.length === 0) return state;
  const index = boxes.findIndex((b) => b.id === state.selectedId);
  const next = index < 0 ? (direction === 1 ? 0 : boxes.length - 1) : (index + direction + boxes.length) % boxes.length;
  return { ...state, selectedId: boxes[next].id, activeClassId: boxes[next].classId, tool: 'select', interaction: { kind: 'idle' } };
}

function editSelected(state: EditorState, edit: (box: Box) => Box): EditorState {
  const selected = state.doc.boxes.find((b) => b.id === state.selectedId);
  if (!selected) return state;
  return commit(state, replaceBox(state.doc, selected.id, edit(selected.box)));
}

/** Moves the bottom-right corner by (dx, dy), inside the image and never below the minimum size. */
function growBox(box: Box, dx: number, dy: number, size: { width: number; height: number }): Box {
  const x2 = Math.min(size.width, Math.max(box[0] + MIN_BOX_SIZE, box[2] + dx));
  const y2 = Math.min(size.height, Math.max(box[1] + MIN_BOX_SIZE, box[3] + dy));
  return [box[0], box[1], x2, y2];
}

function chooseClass(state: EditorState, classId: number): EditorState {
  if (!state.doc.classes.some((c) => c.id === classId)) return state;
  const selected = state.doc.boxes.find((b) => b.id === state.selectedId);
  const next = { ...state, activeClassId: classId };
  if (!selected || selected.classId === classId) return next;
  const boxes = state.doc.boxes.map((b) => (b.id === selected.id ? { ...b, classId } : b));
  return commit(next, { ...state.doc, boxes });
}

function addClass(state: EditorState, raw: string): EditorState {
  const name = raw.trim();
  if (!name || state.doc.classes.some((c) => c.name === name)) return state;
  const id = Math.max(0, ...state.doc.classes.map((c) => c.id)) + 1;
  return { ...commit(state, { ...state.doc, classes: [...state.doc.classes, { id, name }] }), activeClassId: id };
}

function renameClass(state: EditorState, classId: number, raw: string): EditorState {
  const name = raw.trim();
  if (!name || state.doc.classes.some((c) => c.name === name && c.id !== classId)) return state;
  const classes = state.doc.classes.map((c) => (c.id === classId ? { ...c, name } : c));
  return commit(state, { ...state.doc, classes });
}

function addBoxes(state: EditorState, classes: readonly AnnotationClass[], added: readonly { classId: number; box: Box }[]): EditorState {
  if (added.length === 0 && classes === state.doc.classes) return state;
  const boxes = added.map((b, i) => ({ id: `b${state.nextBoxNumber + i}`, classId: b.classId, box: b.box }));
  const doc = { classes, boxes: [...state.doc.boxes, ...boxes] };
  const last = boxes.at(-1);
  return { ...commit(state, doc), nextBoxNumber: state.nextBoxNumber + boxes.length, tool: 'select', interaction: { kind: 'idle' },
    selectedId: last?.id ?? state.selectedId, activeClassId: last?.classId ?? state.activeClassId };
}

function undo(state: EditorState): EditorState {
  const previous = state.past.at(-1);
  if (!previous) return state;
  return { ...state, doc: previous, past: state.past.slice(0, -1), future: [state.doc, ...state.future], interaction: { kind: 'idle' },
    selectedId: previous.boxes.some((b) => b.id === state.selectedId) ? state.selectedId : null };
}

function redo(state: EditorState): EditorState {
  const next = state.future[0];
  if (!next) return state;
  return { ...state, doc: next, past: [...state.past, state.doc], future: state.future.slice(1), interaction: { kind: 'idle' },
    selectedId: next.boxes.some((b) => b.id === state.selectedId) ? state.selectedId : null };
}

function replaceBox(doc: EditorDoc, id: string, box: Box): EditorDoc {
  return { ...doc, boxes: doc.boxes.map((b) => (b.id === id ? { ...b, box } : b)) };
}

function nextNumber(boxes: readonly AnnotationBox[]): number {
  return Math.max(0, ...boxes.map((b) => Number(b.id.replace(/^\D+/, '')) || 0)) + 1;
}
