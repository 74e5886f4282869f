/** The Models tab: the model in use, every model with its actions, saving a copy and uploading one. */
import { section } from '../controls';
import { h, setChildren, uniqueId } from '../dom';
import type { ModelInfo } from './model_registry';
import type { ModelsController } from './models_controller';

export function modelsPanel(controller: ModelsController): HTMLElement {
  return h('div', { class: 'panel-stack models-stack' }, modelTable(controller), saveAndUpload(controller));
}

function formatBytes(bytes: number | null): string {
  if (bytes == null) return '—';
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`;
}

function modelTable(controller: ModelsController): HTMLElement {
  const { store, service } = controller;
  const body = h('tbody');
  const active = h('p', { class: 'model-status', testid: 'models.active' });
  const render = (): void => {
    const { models, activeId, busy } = store.get();
    const status = service.status();
    active.dataset.state = status.state;
    active.textContent = status.modelName ? `In use: ${status.modelName}, ${status.message}` : status.message;
    setChildren(body, models.length === 0
      ? h('tr', {}, h('td', { colspan: 6, class: 'hint' }, 'No models yet. Fine-tune one in the Fine-tune tab, or upload one below.'))
      : models.map((m) => row(controller, m, m.id === activeId, busy != null)));
  };
  store.subscribe(render);
  service.onStatus(render);
  render();
  return section('Models', 'models.list', active,
    h('div', { class: 'table-scroll' }, h('table', { class: 'models', testid: 'models.table' },
      h('caption', { class: 'visually-hidden' }, 'Models available to this page'),
      h('thead', {}, h('tr', {}, ...['Name', 'Where', 'Classes', 'Saved', 'Size', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
      body)));
}

function row(controller: ModelsController, m: ModelInfo, active: boolean, busy: boolean): HTMLElement {
  const button = (label: string, testid: string, onclick: () => void, extra: Record<string, string> = {}): HTMLButtonElement =>
    h('button', { type: 'button', testid, onclick, disabled: busy, 'aria-label': `${label} ${m.name}`, ...extra }, label);
  return h('tr', { testid: `models.row.${m.name}`, class: active ? 'active' : '' },
    h('th', { scope: 'row' }, m.name, active ? h('span', { class: 'badge' }, 'in use') : null, h('div', { class: 'hint' }, m.description)),
    h('td', {}, m.source === 'default' ? 'Default' : 'This browser'),
    h('td', {}, m.classNames?.join(', ') ?? '—'),
    h('td', {}, m.savedAt ? new Date(m.savedAt).toLocaleString() : '—'),
    h('td', {}, formatBytes(m.bytes)),
    h('td', { class: 'actions' },
      button(active ? 'In use' : 'Use', `models.use.${m.name}`, () => void controller.use(m), active ? { disabled: 'true' } : {}),
      button('Download', `models.download.${m.name}`, () => void controller.download(m)),
      m.source === 'browser'
        ? button('Delete', `models.delete.${m.name}`, () => {
          if (window.confirm(`Delete the model “${m.name}” from this browser?`)) void controller.remove(m);
        }, { class: 'danger' })
        : null));
}

function saveAndUpload(controller: ModelsController): HTMLElement {
  const name = h('input', { type: 'text', testid: 'models.save-name', 'aria-label': 'Name for the saved copy', placeholder: 'my-model', maxlength: 60 });
  const save = h('button', { type: 'button', testid: 'models.save', onclick: () => {
    if (name.value.trim()) void controller.saveActiveAs(name.value.trim());
  } }, 'Save a copy');
  const upload = h('input', { type: 'file', multiple: true, accept: '.json,.bin', class: 'visually-hidden', tabindex: -1, testid: 'models.upload-input',
    onchange: () => {
      void controller.upload(Array.from(upload.files ?? []));
      upload.value = '';
    } });
  return section('Save and upload', 'models.manage',
    h('p', { class: 'hint' }, 'Save the model in use under a new name in this browser:'),
    h('div', { class: 'row' }, name, save),
    h('p', { class: 'hint' }, 'Upload a model downloaded from this page (its .json and .weights.bin files together):'),
    h('div', { class: 'row' }, h('button', { type: 'button', testid: 'models.upload', onclick: () => upload.click() }, 'Upload model…'), upload),
    conflictPrompt(controller));
}

/** An upload (or a copy) whose name is taken waits here for the user: replace the saved model, keep both, or cancel. */
function conflictPrompt(controller: ModelsController): HTMLElement {
  const text = h('p', { id: uniqueId('conflict') });
  const replace = h('button', { type: 'button', class: 'danger', testid: 'models.conflict-replace', onclick: () => controller.resolveConflict('replace') }, 'Replace');
  const keep = h('button', { type: 'button', class: 'primary', testid: 'models.conflict-keep', onclick: () => controller.resolveConflict('keep-both') }, 'Keep both');
  const cancel = h('button', { type: 'button', testid: 'models.conflict-cancel', onclick: () => controller.resolveConflict('cancel') }, 'Cancel');
  const box = h('div', { class: 'notice conflict', role: 'alertdialog', 'aria-labelledby': text.id, testid: 'models.conflict' },
    text, h('div', { class: 'row' }, replace, keep, cancel));
  let shown: unknown;
  const render = (): void => {
    const { conflict } = controller.store.get();
    if (conflict === shown) return;
    shown = conflict;
    box.hidden = conflict === null;
    if (!conflict) return;
    replace.hidden = !conflict.canReplace;
    text.textContent = `A model named “${conflict.name}” already exists${conflict.canReplace ? '' : ' (a default model, which cannot be replaced)'}. ` +
      `${conflict.canReplace ? 'Replace it (its saved weights and description are overwritten), or keep' : 'Keep'} both: the new one is saved as “${conflict.keepBothName}”.`;
    keep.focus();
  };
  controller.store.subscribe(render);
  render();
  return box;
}
