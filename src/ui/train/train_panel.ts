/** The Fine-tune tab's side panel: which images train and which are held out, settings, the run, and its results. */
import type { TrainBackend } from '../../training/protocol';
import { checkbox, section } from '../controls';
import { h, setChildren, uniqueId } from '../dom';
import type { AnnotateController } from '../annotate/annotate_controller';
import type { Split } from '../annotate/annotation_set';
import { runSection } from './run_section';
import { resultsSection } from './results_section';
import type { TrainController } from './train_controller';
import type { TrainSettings } from './train_state';

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
    summary.textContent = `${train} images train, ${test} held out${empty ? ` (${empty} training images have no boxes and are left out)` : ''}.`;
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

function numberField(label: string, testid: string, value: number, attrs: Record<string, number>, onChange: (v: number) => void): HTMLElement {
  const id = uniqueId('field');
  const input = h('input', { id, type: 'number', value, testid, ...attrs,
    onchange: () => {
      if (input.checkValidity() && Number.isFinite(input.valueAsNumber)) onChange(input.valueAsNumber);
    } });
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

function selectField<T extends string | number>(label: string, testid: string, value: T, options: readonly [T, string][], onChange: (v: T) => void): HTMLElement {
  const id = uniqueId('field');
  const select = h('select', { id, testid, onchange: () => onChange(options[select.selectedIndex][0]) },
    ...options.map(([v, text]) => h('option', { value: String(v), selected: v === value }, text)));
  return h('div', { class: 'field' }, h('label', { for: id }, label), select);
}

function settingsSection(controller: TrainController): HTMLElement {
  const set = (patch: Partial<TrainSettings>): void => controller.store.set({ settings: { ...controller.store.get().settings, ...patch } });
  const s = controller.store.get().settings;
  const backends: [TrainBackend, string][] = [['wasm', 'CPU, WebAssembly (fastest without a GPU)'], ['webgpu', 'GPU, WebGPU'], ['webgl', 'GPU, WebGL'], ['cpu', 'CPU, plain JavaScript']];
  const fieldset = h('fieldset', { class: 'settings' },
    numberField('Iterations', 'train.iterations', s.iterations, { min: 1, max: 100000, step: 1 }, (iterations) => set({ iterations: Math.round(iterations) })),
    selectField('Learning rate', 'train.lr', s.learningRate, [[0.003, '0.003 (fast, may be unstable)'], [0.001, '0.001 (the paper’s)'], [0.0003, '0.0003 (careful)']], (learningRate) => set({ learningRate })),
    selectField('Image scale (short side)', 'train.scale', s.scale, [[320, '320 px (quick)'], [480, '480 px'], [600, '600 px (the paper’s)']], (scale) => set({ scale })),
    selectField('Train on', 'train.backend', s.backend, backends, (backend) => set({ backend })),
    checkbox({ testid: 'train.flip', label: 'Also train on mirrored copies', checked: s.flipped, onChange: (flipped) => set({ flipped }) }).element,
    checkbox({
      testid: 'train.vflip', label: 'Also train upside down (images with no “up”: microscopy, aerial views)',
      checked: s.verticalFlips ?? false, onChange: (verticalFlips) => set({ verticalFlips }),
    }).element,
    checkbox({
      testid: 'train.bg-anywhere', label: 'Background examples from the whole image, not only near objects (crowded scenes such as cells)',
      checked: s.backgroundAnywhere ?? false, onChange: (backgroundAnywhere) => set({ backgroundAnywhere }),
    }).element);
  controller.store.subscribe((state) => {
    fieldset.disabled = state.running;
  });
  return section('Settings', 'train.settings', fieldset);
}
