/** The Annotate tab's scene: the boxes of the current image, the selected one with handles, the box being drawn. */
import { classColour } from '../../render/colours';
import type { DrawnObject } from '../../render/scene';
import type { EditorState } from './editor';

export function annotationScene(state: EditorState, showLabels = true): DrawnObject[] {
  const names = new Map(state.doc.classes.map((c) => [c.id, c.name]));
  const out: DrawnObject[] = state.doc.boxes.map((b) => {
    const selected = b.id === state.selectedId;
    return {
      kind: 'annotation', id: `annotation:${b.id}`, box: b.box, colour: classColour(b.classId), dash: [],
      lineWidth: selected ? 2.5 : 2, alpha: state.selectedId == null || selected ? 1 : 0.75,
      label: showLabels || selected ? (names.get(b.classId) ?? '?') : null,
      emphasis: selected ? 'focused' : 'normal', handles: selected,
    };
  });
  const i = state.interaction;
  if (i.kind === 'drawing') {
    const box = [Math.min(i.anchor.x, i.current.x), Math.min(i.anchor.y, i.current.y), Math.max(i.anchor.x, i.current.x), Math.max(i.anchor.y, i.current.y)] as const;
    out.push({
      kind: 'draft', id: 'draft', box, colour: classColour(state.activeClassId), dash: [5, 4], lineWidth: 2, alpha: 1,
      label: names.get(state.activeClassId) ?? null, emphasis: 'focused',
    });
  }
  if (state.tool === 'draw' && state.pointer) {
    out.push({
      kind: 'crosshair', id: 'crosshair', box: [0, 0, state.imageSize.width, state.imageSize.height], point: state.pointer,
      colour: '#ffffff', dash: [4, 4], lineWidth: 1, alpha: 0.9, label: null, emphasis: 'normal',
    });
  }
  return out;
}
