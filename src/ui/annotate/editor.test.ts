import { describe, expect, it } from 'vitest';
import { createEditor, reduce, type EditorAction, type EditorState } from './editor';

const CLASSES = [{ id: 1, name: 'RBC' }, { id: 2, name: 'WBC' }];
const SIZE = { width: 640, height: 480 };
const T = 4; // hit tolerance in image pixels

function start(): EditorState {
  return reduce(createEditor(CLASSES), { type: 'load', boxes: [], imageSize: SIZE });
}

function run(state: EditorState, ...actions: EditorAction[]): EditorState {
  return actions.reduce(reduce, state);
}

const down = (x: number, y: number): EditorAction => ({ type: 'pointerDown', point: { x, y }, tolerance: T });
const move = (x: number, y: number): EditorAction => ({ type: 'pointerMove', point: { x, y } });
const up = (x: number, y: number): EditorAction => ({ type: 'pointerUp', point: { x, y }, tolerance: T });
const click = (x: number, y: number): EditorAction[] => [down(x, y), up(x, y)];

function drawBox(state: EditorState, x1: number, y1: number, x2: number, y2: number): EditorState {
  return run(state, { type: 'setTool', tool: 'draw' }, ...click(x1, y1), move(x2, y2), ...click(x2, y2));
}

describe('annotation editor: drawing', () => {
  it('two clicks draw a box of the active class, select it and return to the select tool', () => {
    const s = drawBox(start(), 10, 20, 110, 220);
    expect(s.doc.boxes).toEqual([{ id: 'b1', classId: 1, box: [10, 20, 110, 220] }]);
    expect(s.selectedId).toBe('b1');
    expect(s.tool).toBe('select');
  });

  it('between the clicks the rubber band follows the pointer', () => {
    const s = run(start(), { type: 'setTool', tool: 'draw' }, ...click(10, 20), move(50, 60));
    expect(s.interaction).toMatchObject({ kind: 'drawing', anchor: { x: 10, y: 20 }, current: { x: 50, y: 60 }, placed: true });
  });

  it('a drag from corner to corner draws a box too; corners in any order', () => {
    const s = run(start(), { type: 'setTool', tool: 'draw' }, down(200, 200), move(150, 120), up(100, 100));
    expect(s.doc.boxes[0].box).toEqual([100, 100, 200, 200]);
  });

  it('boxes are clipped to the image, and a tiny box is not created', () => {
    expect(drawBox(start(), -20, -5, 700, 100).doc.boxes[0].box).toEqual([0, 0, 640, 100]);
    expect(run(start(), { type: 'setTool', tool: 'draw' }, ...click(10, 10), ...click(11, 50)).doc.boxes).toEqual([]);
  });

  it('Esc cancels a box half drawn', () => {
    const s = run(start(), { type: 'setTool', tool: 'draw' }, ...click(10, 10), { type: 'cancel' });
    expect(s.interaction.kind).toBe('idle');
    expect(s.tool).toBe('select');
    expect(s.doc.boxes).toEqual([]);
  });
});

describe('annotation editor: selecting, moving, resizing, deleting', () => {
  const twoBoxes = (): EditorState => drawBox(drawBox(start(), 100, 100, 200, 200), 300, 300, 400, 380);

  it('a click selects the box under the pointer; a click on nothing deselects', () => {
    let s = run(twoBoxes(), ...click(150, 150));
    expect(s.selectedId).toBe('b1');
    s = run(s, ...click(600, 20));
    expect(s.selectedId).toBeNull();
  });

  it('dragging a box moves it, inside the image, as one undo step', () => {
    let s = run(twoBoxes(), down(150, 150), move(160, 170), move(170, 190), up(170, 190));
    expect(s.doc.boxes[0].box).toEqual([120, 140, 220, 240]);
    s = run(s, down(150, 150), move(-500, -500), up(-500, -500));
    expect(s.doc.boxes[0].box).toEqual([0, 0, 100, 100]);
    s = run(s, { type: 'undo' });
    expect(s.doc.boxes[0].box).toEqual([120, 140, 220, 240]);
  });

  it('dragging a handle of the selected box resizes it', () => {
    let s = run(twoBoxes(), ...click(150, 150)); // select b1 = [100,100,200,200]
    s = run(s, down(200, 200), move(250, 260), up(250, 260)); // bottom-right handle
    expect(s.doc.boxes[0].box).toEqual([100, 100, 250, 260]);
    s = run(s, down(100, 180), move(300, 180), up(300, 180)); // left handle dragged past the right edge
    expect(s.doc.boxes[0].box).toEqual([250, 100, 300, 260]);
  });

  it('a click without motion selects without adding an undo step', () => {
    const s = run(twoBoxes(), ...click(150, 150));
    expect(s.past).toHaveLength(twoBoxes().past.length);
  });

  it('Delete removes the selected box; undo brings it back; redo removes it again', () => {
    let s = run(twoBoxes(), ...click(350, 350), { type: 'deleteSelected' });
    expect(s.doc.boxes.map((b) => b.id)).toEqual(['b1']);
    s = run(s, { type: 'undo' });
    expect(s.doc.boxes.map((b) => b.id)).toEqual(['b1', 'b2']);
    s = run(s, { type: 'redo' });
    expect(s.doc.boxes.map((b) => b.id)).toEqual(['b1']);
  });

  it('Tab cycles the selection; arrows nudge; Alt+arrows grow', () => {
    let s = run(twoBoxes(), { type: 'select', id: null }, { type: 'selectNext', direction: 1 }, { type: 'selectNext', direction: 1 });
    expect(s.selectedId).toBe('b2');
    s = run(s, { type: 'nudge', dx: 10, dy: -1 }, { type: 'grow', dx: 5, dy: 5 });
    expect(s.doc.boxes[1].box).toEqual([310, 299, 415, 384]);
  });
});

describe('annotation editor: classes and history', () => {
  it('choosing a class sets it on the selected box (undoable) and for the next boxes', () => {
    let s = drawBox(start(), 10, 10, 50, 50);
    s = run(s, { type: 'chooseClass', classId: 2 });
    expect(s.doc.boxes[0].classId).toBe(2);
    expect(s.activeClassId).toBe(2);
    expect(run(s, { type: 'undo' }).doc.boxes[0].classId).toBe(1);
  });

  it('classes can be added and renamed; names stay unique; boxes keep their class on rename', () => {
    let s = drawBox(start(), 10, 10, 50, 50);
    s = run(s, { type: 'addClass', name: ' Platelets ' }, { type: 'addClass', name: 'RBC' });
    expect(s.doc.classes.map((c) => c.name)).toEqual(['RBC', 'WBC', 'Platelets']);
    expect(s.activeClassId).toBe(3);
    s = run(s, { type: 'renameClass', classId: 1, name: 'red cell' }, { type: 'renameClass', classId: 2, name: 'red cell' });
    expect(s.doc.classes.map((c) => c.name)).toEqual(['red cell', 'WBC', 'Platelets']);
    expect(s.doc.boxes[0].classId).toBe(1);
  });

  it('a new change forgets the redo branch; loading another image starts a fresh history', () => {
    let s = run(drawBox(start(), 10, 10, 50, 50), { type: 'undo' });
    expect(s.future).toHaveLength(1);
    s = drawBox(s, 100, 100, 150, 150);
    expect(s.future).toHaveLength(0);
    s = run(s, { type: 'load', boxes: [{ id: 'b7', classId: 2, box: [1, 1, 9, 9] }], imageSize: SIZE });
    expect(s.past).toHaveLength(0);
    expect(drawBox(s, 20, 20, 40, 40).doc.boxes.map((b) => b.id)).toEqual(['b7', 'b8']);
  });
});
