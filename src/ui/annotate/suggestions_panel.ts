/** The Annotate tab's "Suggestions" section: run the model, the threshold, unknown classes, and each suggestion to check. */
import { section, slider } from '../controls';
import { h, setChildren } from '../dom';
import { modelProblem, type SuggestionsController } from './suggestions_controller';

export function suggestionsSection(controller: SuggestionsController): HTMLElement {
  const { store, annotate, detector } = controller;
  const model = h('p', { class: 'hint', testid: 'annotate.suggest.model' });
  const suggest = h('button', { type: 'button', class: 'primary', testid: 'annotate.suggest.run', onclick: () => void controller.suggestCurrent() },
    'Suggest boxes');
  const unlabelled = h('button', { type: 'button', testid: 'annotate.suggest.run-unlabelled', onclick: () => void controller.suggestUnlabelled() });
  const cancel = h('button', { type: 'button', testid: 'annotate.suggest.cancel', onclick: () => controller.cancel() }, 'Cancel');
  const bar = h('progress', { testid: 'annotate.suggest.progress', max: 1, value: 0, 'aria-label': 'Suggesting boxes' });
  const progressText = h('span', { class: 'hint', testid: 'annotate.suggest.progress-text', 'aria-live': 'polite' });
  // a wrapper: `hidden` does not hide a .row (display: flex wins over the attribute)
  const progress = h('div', {}, h('div', { class: 'row' }, bar, progressText, cancel));
  const threshold = slider({
    testid: 'annotate.suggest.threshold', label: 'Suggest above score', min: 0.05, max: 0.99, step: 0.01, value: store.get().threshold,
    hint: 'Suggestions scoring below this are hidden.', onInput: (value) => controller.setThreshold(value),
  });
  const unknown = h('div', { testid: 'annotate.suggest.unknown' });
  const list = h('ul', { class: 'box-list', testid: 'annotate.suggest.list', 'aria-label': 'Suggested boxes on this image' });
  const acceptAll = h('button', { type: 'button', testid: 'annotate.suggest.accept-all', onclick: () => controller.acceptAll() }, 'Accept all');
  const rejectAll = h('button', { type: 'button', class: 'danger', testid: 'annotate.suggest.reject-all', onclick: () => controller.rejectAll() }, 'Reject all');
  const next = h('button', { type: 'button', testid: 'annotate.suggest.next', onclick: () => void controller.nextImageWithSuggestions() });
  const keys = h('p', { class: 'hint' }, 'Click a suggestion (dashed), then Enter accepts it and Delete rejects it. An accepted box is selected: drag or resize it to correct it.');

  let shownList: unknown[] = [];
  const render = (): void => {
    const { run, selectedId, mapping, byImage } = store.get();
    const { set, currentId, editor } = annotate.store.get();
    const status = detector.status();
    model.textContent = status.state === 'ready' ? `With the model in use: ${status.modelName ?? '?'} (change it in Models).`
      : `Nothing to suggest with yet: ${modelProblem(status)}`;
    const unlabelledCount = controller.unlabelledImages().length;
    unlabelled.textContent = `Suggest for unlabelled images (${unlabelledCount})`;
    suggest.disabled = run != null || status.state !== 'ready' || currentId == null;
    unlabelled.disabled = run != null || status.state !== 'ready' || unlabelledCount === 0;
    progress.hidden = run == null;
    if (run) {
      bar.max = run.total;
      bar.value = run.done;
      progressText.textContent = `Image ${run.done + 1} of ${run.total}: ${run.name}`;
    }
    const visible = controller.visible();
    acceptAll.disabled = rejectAll.disabled = visible.length === 0;
    const others = controller.otherImagesWithSuggestions().length;
    next.hidden = others === 0;
    next.textContent = `Next image with suggestions (${others} more)`;
    const key = [visible.map((s) => s.id).join(), selectedId, set.classes, mapping, byImage, editor.doc.boxes];
    if (key.every((k, i) => k === shownList[i])) return;
    shownList = key;
    setChildren(list, visible.length === 0 ? h('li', { class: 'hint' }, 'No suggestions on this image.') : visible.map((s) => {
      const name = controller.className(s);
      return h('li', { class: 'suggestion-row' },
        h('button', { type: 'button', class: 'detection-row', testid: `annotate.suggestion.${s.id}`, 'aria-pressed': String(s.id === selectedId),
          onclick: () => controller.select(s.id) },
        h('span', { class: 'name' }, name), h('span', { class: 'score' }, s.score.toFixed(2))),
        h('button', { type: 'button', class: 'ghost icon', testid: `annotate.suggestion-accept.${s.id}`, 'aria-label': `Accept ${name} ${s.score.toFixed(2)}`,
          title: 'Accept (Enter)', onclick: () => controller.accept(s.id) }, '✓'),
        h('button', { type: 'button', class: 'ghost icon', testid: `annotate.suggestion-reject.${s.id}`, 'aria-label': `Reject ${name} ${s.score.toFixed(2)}`,
          title: 'Reject (Delete)', onclick: () => controller.reject(s.id) }, '×'));
    }));
    setChildren(unknown, controller.unknownClasses().map((modelClass) => unknownClassRow(controller, modelClass)));
  };
  store.subscribe(render);
  annotate.store.subscribe(render);
  detector.onStatus(render);
  render();
  return section('Suggestions from the model', 'annotate.suggest', model,
    h('div', { class: 'row' }, suggest, unlabelled), progress, threshold.element, unknown, list,
    h('div', { class: 'row' }, acceptAll, rejectAll, next), keys);
}

/** A model class the dataset lacks: add it as a new class, or give its boxes one of the dataset's classes. */
function unknownClassRow(controller: SuggestionsController, modelClass: string): HTMLElement {
  const classes = controller.annotate.store.get().set.classes;
  const add = h('button', { type: 'button', testid: `annotate.suggest.add-class.${modelClass}`, onclick: () => controller.addClass(modelClass) },
    `Add “${modelClass}” as a new class`);
  const map = h('select', { testid: `annotate.suggest.map.${modelClass}`, 'aria-label': `Use one of your classes for the model's “${modelClass}”`,
    onchange: () => {
      if (map.value) controller.mapClass(modelClass, Number(map.value));
    } },
  h('option', { value: '' }, 'or use your class…'),
  ...[...classes].sort((a, b) => a.id - b.id).map((c) => h('option', { value: String(c.id) }, c.name)));
  return h('div', { class: 'unknown-class', testid: `annotate.suggest.unknown.${modelClass}` },
    h('p', { class: 'hint' }, `The model's class “${modelClass}” is not one of this dataset's classes. Accepting its boxes adds it, unless you choose one of yours:`),
    h('div', { class: 'row' }, add, map));
}
