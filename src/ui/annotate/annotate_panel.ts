/** The Annotate tab's side panel: images, tools (draw, delete, undo, redo), classes and the boxes of this image. */
import { classColour } from '../../render/colours';
import { checkbox, section } from '../controls';
import { h, setChildren } from '../dom';
import type { AnnotateController } from './annotate_controller';
import type { AnnotateState } from './annotate_state';
import { imageListSection } from './image_list';
import { importReportSection } from './import_report';

/** `extra`: sections placed after Tools (the model's suggestions, suggestions_panel.ts). */
export function annotatePanel(controller: AnnotateController, ...extra: HTMLElement[]): HTMLElement {
  return h('div', { class: 'panel-stack' }, imageListSection(controller), importReportSection(controller), toolsSection(controller), ...extra,
    classesSection(controller), boxesSection(controller));
}

const SAVE_TEXT: Record<AnnotateState['save'], string> = {
  idle: 'Changes are saved in this browser as you work.',
  unsaved: 'Unsaved changes: saving in a moment…',
  saving: 'Saving…',
  saved: 'All changes saved in this browser.',
  error: 'Autosave failed: export your work to keep it.',
};

function toolsSection(controller: AnnotateController): HTMLElement {
  const { store } = controller;
  const draw = h('button', { type: 'button', testid: 'annotate.draw', 'aria-keyshortcuts': 'N',
    onclick: () => controller.dispatch({ type: 'setTool', tool: store.get().editor.tool === 'draw' ? 'select' : 'draw' }) }, 'Draw box (N)');
  const remove = h('button', { type: 'button', class: 'danger', testid: 'annotate.delete', 'aria-keyshortcuts': 'Delete',
    onclick: () => controller.dispatch({ type: 'deleteSelected' }) }, 'Delete');
  const undo = h('button', { type: 'button', testid: 'annotate.undo', 'aria-keyshortcuts': 'Control+Z', onclick: () => controller.dispatch({ type: 'undo' }) }, 'Undo');
  const redo = h('button', { type: 'button', testid: 'annotate.redo', 'aria-keyshortcuts': 'Control+Shift+Z', onclick: () => controller.dispatch({ type: 'redo' }) }, 'Redo');
  const labels = checkbox({ testid: 'annotate.labels', label: 'Show class labels', checked: true, onChange: (showLabels) => store.set({ showLabels }) });
  const saveLine = h('p', { class: 'hint', testid: 'annotate.save', 'aria-live': 'polite' });
  const hint = h('p', { class: 'hint', testid: 'annotate.hint' });
  const render = (): void => {
    const { editor, currentId, save } = store.get();
    draw.setAttribute('aria-pressed', String(editor.tool === 'draw'));
    for (const b of [draw, remove, undo, redo]) b.disabled = currentId == null;
    remove.disabled ||= editor.selectedId == null;
    undo.disabled ||= editor.past.length === 0;
    redo.disabled ||= editor.future.length === 0;
    hint.textContent = editor.tool === 'draw'
      ? editor.interaction.kind === 'drawing' ? 'Click the opposite corner (Esc cancels).' : 'Click one corner of the box, then the opposite corner.'
      : 'Click a box to select it; drag to move, drag a handle to resize.';
    if (saveLine.textContent !== SAVE_TEXT[save]) saveLine.textContent = SAVE_TEXT[save];
  };
  store.subscribe(render);
  render();
  return section('Tools', 'annotate.tools', h('div', { class: 'row' }, draw, remove, undo, redo), hint, labels.element, saveLine);
}

function classesSection(controller: AnnotateController): HTMLElement {
  const { store } = controller;
  const list = h('ul', { class: 'class-list', testid: 'annotate.class-list', 'aria-label': 'Classes' });
  const name = h('input', { type: 'text', testid: 'annotate.class-name', 'aria-label': 'New class name', placeholder: 'New class', maxlength: 60 });
  const add = (): void => {
    controller.dispatch({ type: 'addClass', name: name.value });
    name.value = '';
  };
  name.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') add();
  });
  let shown: unknown[] = [];
  const render = (): void => {
    const { editor } = store.get();
    const key = [editor.doc.classes, editor.activeClassId];
    if (key.every((k, i) => k === shown[i])) return;
    shown = key;
    const classes = [...editor.doc.classes].sort((a, b) => a.id - b.id);
    setChildren(list, classes.map((c, index) => classRow(controller, c.id, c.name, index, c.id === editor.activeClassId)));
  };
  store.subscribe(render);
  render();
  return section('Classes', 'annotate.classes', list,
    h('div', { class: 'row' }, name, h('button', { type: 'button', testid: 'annotate.class-add', onclick: add }, 'Add class')));
}

function classRow(controller: AnnotateController, id: number, name: string, index: number, active: boolean): HTMLElement {
  const choose = h('button', { type: 'button', class: 'class-choose', testid: `annotate.class.${name}`, 'aria-pressed': String(active),
    'aria-keyshortcuts': index < 9 ? String(index + 1) : null, onclick: () => controller.dispatch({ type: 'chooseClass', classId: id }) },
  h('span', { class: 'swatch', style: `background:${classColour(id)}`, 'aria-hidden': 'true' }),
  index < 9 ? h('kbd', {}, String(index + 1)) : null, h('span', { class: 'name' }, name));
  const row = h('li', {}, choose);
  const rename = h('button', { type: 'button', class: 'ghost', testid: `annotate.class-rename.${name}`, 'aria-label': `Rename ${name}`,
    onclick: () => {
      const input = h('input', { type: 'text', value: name, 'aria-label': `New name for ${name}`, testid: 'annotate.class-rename-input', maxlength: 60 });
      const finish = (commit: boolean): void => {
        if (commit) controller.dispatch({ type: 'renameClass', classId: id, name: input.value });
        row.replaceWith(classRow(controller, id, commit && input.value.trim() ? input.value.trim() : name, index, active));
      };
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') finish(true);
        if (event.key === 'Escape') {
          event.stopPropagation();
          finish(false);
        }
      });
      input.addEventListener('blur', () => row.isConnected && finish(true));
      setChildren(row, input);
      input.focus();
      input.select();
    } }, 'Rename');
  row.append(rename);
  return row;
}

function boxesSection(controller: AnnotateController): HTMLElement {
  const { store } = controller;
  const list = h('ul', { class: 'box-list', testid: 'annotate.box-list', 'aria-label': 'Boxes on this image' });
  let shown: unknown[] = [];
  const render = (): void => {
    const { editor } = store.get();
    const key = [editor.doc.boxes, editor.selectedId, editor.doc.classes];
    if (key.every((k, i) => k === shown[i])) return;
    shown = key;
    const names = new Map(editor.doc.classes.map((c) => [c.id, c.name]));
    setChildren(list, editor.doc.boxes.length === 0 ? h('li', { class: 'hint' }, 'No boxes on this image yet.') : editor.doc.boxes.map((b) =>
      h('li', {}, h('button', { type: 'button', class: 'detection-row', 'aria-pressed': String(b.id === editor.selectedId), testid: `annotate.box.${b.id}`,
        onclick: () => controller.dispatch({ type: 'select', id: b.id }) },
      h('span', { class: 'swatch', style: `background:${classColour(b.classId)}`, 'aria-hidden': 'true' }),
      h('span', { class: 'name' }, names.get(b.classId) ?? '?'),
      h('span', { class: 'score' }, `${Math.round(b.box[2] - b.box[0])} × ${Math.round(b.box[3] - b.box[1])} at ${Math.round(b.box[0])}, ${Math.round(b.box[1])}`)))));
  };
  store.subscribe(render);
  render();
  return section('Boxes on this image', 'annotate.boxes', list);
}
