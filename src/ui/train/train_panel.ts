/** The Fine-tune tab's side panel: which images train and which are held out, settings, the run, and its results. */
import type { TrainBackend } from '../../training/protocol';
import { pluralize } from '../../data/plural';
import { checkbox, section } from '../controls';
import { h, setChildren, uniqueId } from '../dom';
import type { AnnotateController } from '../annotate/annotate_controller';
import type { Split } from '../annotate/annotation_set';
import { runSection } from './run_section';
import { resultsSection } from './results_section';
import type { TrainController } from './train_controller';
import { RECIPE_TRAINABLE } from '../../training/recipe';
import {
  BACKEND_NAMES, DEFAULT_BACKEND, DEFAULT_PROPOSALS, RECOMMENDED_SETTINGS, backgroundThreshold, recipeHeadline, withSetting,
  type RunPlan, type TrainProposals, type TrainSettings, type UiOverrides,
} from './train_plan';

export function trainPanel(controller: TrainController, annotate: AnnotateController): HTMLElement {
  return h('div', { class: 'panel-stack' }, splitSection(controller, annotate), settingsSection(controller), runSection(controller), resultsSection(controller));
}

const SPLITS: readonly [Split, string][] = [['train', 'Train'], ['test', 'Held out'], ['unused', 'Not used']];

function splitSection(controller: TrainController, annotate: AnnotateController): HTMLElement {
  const summary = h('p', { class: 'hint', testid: 'train.split-summary' });
  const body = h('tbody');
  let shownKey = '';
  const selects = new Map<string, HTMLSelectElement>();
  const render = (): void => {
    const { set } = annotate.store.get();
    const key = set.images.map((i) => `${i.id}:${i.boxes.length}`).join(',');
    if (key !== shownKey) {
      shownKey = key;
      selects.clear();
      setChildren(body, set.images.length === 0
        ? h('tr', {}, h('td', { colspan: 3, class: 'hint' }, 'Annotate some images in the Annotate tab first.'))
        : set.images.map((image) => {
          const select = h('select', { 'aria-label': `Use of ${image.name}`, testid: `train.split.${image.name}`,
            onchange: () => annotate.setSplit([image.id], select.value as Split) },
          ...SPLITS.map(([value, label]) => h('option', { value }, label)));
          selects.set(image.id, select);
          return h('tr', {}, h('th', { scope: 'row' }, image.name), h('td', {}, String(image.boxes.length)), h('td', {}, select));
        }));
    }
    for (const image of set.images) {
      const select = selects.get(image.id);
      if (select && select.value !== image.split) select.value = image.split;
    }
    const train = controller.trainImages().length;
    const test = controller.testImages().length;
    const empty = set.images.filter((i) => i.split === 'train' && i.boxes.length === 0).length;
    const validating = controller.plan()?.validation.length ?? 0;
    const aside = validating ? ` (${validating} of them set aside to choose the iteration on: validation)` : '';
    const leftOut = empty ? ` (${pluralize(empty, 'training image has', 'training images have')} no boxes and ${empty === 1 ? 'is' : 'are'} left out)` : '';
    summary.textContent = `${pluralize(train, 'image')} train${aside}, ${test} held out${leftOut}.`;
  };
  annotate.store.subscribe(render);
  render();
  const holdOut = (): void => {
    const images = annotate.store.get().set.images;
    annotate.setSplit(images.filter((_, i) => i % 5 === 4 || (images.length < 5 && i === images.length - 1)).map((i) => i.id), 'test');
  };
  return section('Training images', 'train.images', summary,
    h('div', { class: 'table-scroll split-table' }, h('table', { class: 'compact' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Image'), h('th', { scope: 'col' }, 'Boxes'), h('th', { scope: 'col' }, 'Use'))), body)),
    h('div', { class: 'row' },
      h('button', { type: 'button', testid: 'train.all-train', onclick: () => annotate.setSplit(annotate.store.get().set.images.map((i) => i.id), 'train') }, 'All for training'),
      h('button', { type: 'button', testid: 'train.hold-out', onclick: holdOut }, 'Hold out 1 in 5')));
}

/** A form field that shows the run's value of a setting (recommended or set by the user) and marks the user's. */
interface Field<T> {
  readonly element: HTMLElement;
  show(value: T, mine: boolean): void;
}

function mineMark(testid: string): HTMLElement {
  return h('span', { class: 'mine', testid: `${testid}.mine` }, 'set by you');
}

function numberField(label: string, testid: string, attrs: Record<string, number>, onChange: (v: number) => void): Field<number> {
  const id = uniqueId('field');
  const mark = mineMark(testid);
  const input = h('input', { id, type: 'number', testid, ...attrs,
    onchange: () => {
      if (input.checkValidity() && Number.isFinite(input.valueAsNumber)) onChange(input.valueAsNumber);
    } });
  return {
    element: h('div', { class: 'field' }, h('label', { for: id }, label, ' ', mark), input),
    show(value, mine) {
      // never under the user's fingers: a value being typed stays until it is committed (change)
      if (document.activeElement !== input && input.value !== String(value)) input.value = String(value);
      mark.hidden = !mine;
    },
  };
}

function selectField<T extends string | number>(label: string, testid: string, options: readonly [T, string][], onChange: (v: T) => void): Field<T> {
  const id = uniqueId('field');
  const mark = mineMark(testid);
  const values: T[] = options.map(([v]) => v);
  const select = h('select', { id, testid, onchange: () => onChange(values[select.selectedIndex]) },
    ...options.map(([v, text]) => h('option', { value: String(v) }, text)));
  return {
    element: h('div', { class: 'field' }, h('label', { for: id }, label, ' ', mark), select),
    show(value, mine) {
      if (!values.includes(value)) { // a value the list does not offer (an older run's): shown as itself
        values.push(value);
        select.append(h('option', { value: String(value) }, String(value)));
      }
      select.selectedIndex = values.indexOf(value);
      mark.hidden = !mine;
    },
  };
}

function checkField(label: string, testid: string, onChange: (checked: boolean) => void): Field<boolean> {
  const mark = mineMark(testid);
  const box = checkbox({ testid, label, checked: false, onChange });
  box.element.append(' ', mark);
  return {
    element: h('div', {}, box.element), // a plain block, so that `hidden` hides it (.check sets its own display)
    show(value, mine) {
      box.input.checked = value;
      mark.hidden = !mine;
    },
  };
}

/**
 * "Settings": the recommended recipe for the images as they are now marked ("Recommended for this set: …, about N
 * minutes", and each choice with its reason), recomputed when the images or their splits change; every setting can
 * be changed (an override, marked "set by you"), and one button goes back to the recommendation.
 */
function settingsSection(controller: TrainController): HTMLElement {
  const { store } = controller;
  const settings = (): TrainSettings => store.get().settings;
  const override = <K extends keyof UiOverrides>(key: K, value: NonNullable<UiOverrides[K]>): void => {
    const s = settings();
    store.set({ settings: { ...s, overrides: withSetting(s.overrides, controller.plan()?.recommended ?? null, key, value) } });
  };
  const headline = h('p', { class: 'recipe-headline', testid: 'train.recipe' });
  const choices = h('ul', { class: 'recipe-choices', testid: 'train.recipe-choices' });
  const reset = h('button', { type: 'button', testid: 'train.recommended', onclick: () => store.set({ settings: RECOMMENDED_SETTINGS }) }, 'Back to the recommended settings');
  const backends = (Object.entries(BACKEND_NAMES) as [TrainBackend, string][]).map(([b, name]): [TrainBackend, string] => [b, b === 'wasm' ? `${name} (fastest without a GPU)` : name]);
  const fields = {
    iterations: numberField('Iterations', 'train.iterations', { min: 1, max: 100000, step: 1 }, (v) => override('iterations', Math.round(v))),
    learningRate: selectField<number>('Learning rate', 'train.lr', [[0.03, '0.03 (may be unstable)'], [0.01, '0.01'], [0.003, '0.003'], [0.001, '0.001 (the paper’s)'], [0.0003, '0.0003 (careful)']],
      (v) => override('learningRate', v)),
    scale: selectField<number>('Image scale (short side)', 'train.scale', [[320, '320 px (quick)'], [480, '480 px'], [600, '600 px (the paper’s)'], [700, '700 px'], [800, '800 px (small objects)']],
      (v) => override('scale', v)),
    trainable: selectField<string>('Layers that learn', 'train.trainable', [[RECIPE_TRAINABLE, 'The last backbone conv layer and the head'], ['fc', 'The head only (fc layers)']],
      (v) => override('trainable', v)),
    backend: selectField('Train on', 'train.backend', backends, (backend) => store.set({ settings: { ...settings(), backend } })),
    proposals: selectField<TrainProposals>('Proposals', 'train.proposals',
      [['selective-search', 'Selective search'], ['rpn', 'Learned (RPN)']],
      (proposals) => store.set({ settings: { ...settings(), proposals } })),
    flipped: checkField('Also train on mirrored copies', 'train.flip', (v) => override('flip', v)),
    verticalFlips: checkField('Also train upside down (images with no “up”: microscopy, aerial views)', 'train.vflip', (v) => override('verticalFlip', v)),
    backgroundAnywhere: checkField('Background examples from the whole image, not only near objects (crowded scenes such as cells)', 'train.bg-anywhere',
      (v) => override('bgThreshLo', backgroundThreshold(v))),
    retrainOnAll: checkField('After validation chose the iteration, train again on all the images marked Train (validation ones too)', 'train.retrain',
      (v) => override('retrainOnAll', v)),
  };
  const fieldset = h('fieldset', { class: 'settings' }, ...Object.values(fields).map((f) => f.element));
  let shown: RunPlan | null | undefined;
  const render = (): void => {
    const state = store.get();
    const plan = controller.plan();
    fieldset.disabled = state.running || plan === null;
    reset.disabled = state.running || (Object.keys(state.settings.overrides).length === 0 && state.settings.backend === DEFAULT_BACKEND
      && (state.settings.proposals ?? DEFAULT_PROPOSALS) === DEFAULT_PROPOSALS);
    if (plan === shown) return;
    shown = plan;
    if (!plan) {
      headline.textContent = 'Mark annotated images for training (above): the recommended settings for them appear here.';
      setChildren(choices);
      return;
    }
    headline.textContent = recipeHeadline(plan);
    setChildren(choices, plan.choices.map((c) => h('li', { class: c.why === 'set by you' ? 'mine' : null, testid: `train.choice.${c.setting.replace(/\s+/g, '-')}` },
      h('strong', {}, c.setting), `: ${c.value}`, h('span', { class: 'why' }, ` — ${c.why}`))));
    const o = state.settings.overrides;
    const s = plan.settings;
    fields.iterations.show(s.iterations, o.iterations !== undefined);
    fields.learningRate.show(s.learningRate, o.learningRate !== undefined);
    fields.scale.show(s.scale, o.scale !== undefined);
    fields.trainable.show(s.trainable, o.trainable !== undefined);
    fields.backend.show(s.backend, s.backend !== DEFAULT_BACKEND);
    fields.proposals.show(s.proposals, s.proposals !== DEFAULT_PROPOSALS);
    fields.flipped.show(s.flipped, o.flip !== undefined);
    fields.verticalFlips.show(s.verticalFlips, o.verticalFlip !== undefined);
    fields.backgroundAnywhere.show(s.backgroundAnywhere, o.bgThreshLo !== undefined);
    fields.retrainOnAll.show(s.retrainOnAll, o.retrainOnAll !== undefined);
    fields.retrainOnAll.element.hidden = plan.validation.length === 0; // nothing was set aside: nothing to add back
  };
  store.subscribe(render);
  controller.annotateStore().subscribe(render);
  render();
  return section('Settings', 'train.settings', headline, choices, h('div', { class: 'row' }, reset), fieldset);
}
