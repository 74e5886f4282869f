/**
 * "Results" section: which iteration's weights the run kept and their validation mAP, the per-class AP table of
 * the held-out evaluation, and saving the model.
 */
import type { EvaluationSummary } from '../../training/protocol';
import { section } from '../controls';
import { h, setChildren } from '../dom';
import type { TrainController } from './train_controller';
import { MIN_IMAGES_TO_HOLD_OUT } from '../../training/recipe';
import { keptText } from './train_plan';

const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}` : '—');

function apTable(evaluation: EvaluationSummary): HTMLElement {
  const classes = Object.keys(evaluation.metric.voc07.perClass);
  return h('table', { class: 'ap-table', testid: 'train.ap-table' },
    h('caption', {}, `Average precision (%) on ${evaluation.images} held-out images`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Class'), h('th', { scope: 'col' }, 'AP (VOC07 11-point)'), h('th', { scope: 'col' }, 'AP (area)'))),
    h('tbody', {}, ...classes.map((c) => h('tr', {}, h('th', { scope: 'row' }, c),
      h('td', {}, pct(evaluation.metric.voc07.perClass[c])), h('td', {}, pct(evaluation.metric.area.perClass[c]))))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, 'mAP'), h('td', { testid: 'train.map' }, pct(evaluation.metric.voc07.mAP)), h('td', {}, pct(evaluation.metric.area.mAP)))));
}

function defaultName(): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `fine-tuned-${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}`;
}

export function resultsSection(controller: TrainController): HTMLElement {
  const { store } = controller;
  const kept = h('p', { class: 'kept', testid: 'train.kept' });
  const table = h('div', { testid: 'train.results-body' });
  const name = h('input', { type: 'text', testid: 'train.model-name', 'aria-label': 'Name of the model', maxlength: 60 });
  const save = h('button', { type: 'button', class: 'primary', testid: 'train.save', onclick: () => void controller.save(name.value.trim() || defaultName()) }, 'Save and detect with it');
  const saved = h('p', { class: 'hint', testid: 'train.saved', 'aria-live': 'polite' });
  let shown: unknown[] = [];
  const render = (): void => {
    const { evaluation, files, running, savedAs, phase, summary, launched } = store.get();
    const keptLine = summary && !running ? keptText(summary) : null;
    kept.hidden = !summary || running;
    kept.textContent = keptLine ? `${keptLine} (validation: the best of ${summary!.validation!.length} evaluations on ${launched?.validation ?? '?'} images).`
      : summary && !summary.cancelled ? `No validation images (fewer than ${MIN_IMAGES_TO_HOLD_OUT} images train): the run kept its last weights.` : '';
    if (!name.value && files) name.value = defaultName();
    save.disabled = !files || running;
    saved.textContent = savedAs ? `Saved as “${savedAs}”; the Detect tab now uses it.` : files && !running ? 'Not saved yet.' : '';
    if (shown[0] === evaluation && shown[1] === phase) return;
    shown = [evaluation, phase];
    setChildren(table, evaluation ? apTable(evaluation)
      : h('p', { class: 'hint' }, phase === 'done' ? 'No images were held out, so there is no AP table.' : 'The AP per class appears here when a run with held-out images ends.'));
  };
  store.subscribe(render);
  render();
  return section('Results', 'train.results', kept, table, h('div', { class: 'row' }, name, save), saved);
}
