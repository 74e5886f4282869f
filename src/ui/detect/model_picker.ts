/**
 * The Detect tab's model picker and its "what this model knows" lines: every model with its classes and where it
 * came from, and a hint when the answer on this image deserves doubt (model_fit_hint.ts). The picker switches the
 * app's model through the Models tab's controller, so both tabs show the same choice.
 */
import { domainDistance, type ImageStatistics } from '../../data/image_statistics';
import { classColour } from '../../render/colours';
import { h, setChildren } from '../dom';
import { bitmapStatistics } from '../image_colour';
import type { LoadedImage } from '../image_input';
import { provenanceText } from '../models/model_provenance';
import type { ModelInfo } from '../models/model_registry';
import type { ModelsController } from '../models/models_controller';
import type { DetectController } from './detect_controller';
import { modelFitHint } from './model_fit_hint';

export function activeModel(models: ModelsController): ModelInfo | null {
  const { models: list, activeId } = models.store.get();
  return list.find((m) => m.id === activeId) ?? null;
}

/** The select, the active model's classes in their drawing colours, and where it came from. */
export function modelPicker(models: ModelsController): HTMLElement {
  const select = h('select', { testid: 'detect.model-pick', 'aria-label': 'Model', onchange: () => {
    const chosen = models.store.get().models.find((m) => m.id === select.value);
    if (chosen) void models.use(chosen);
  } });
  const classes = h('p', { class: 'model-classes', testid: 'detect.model-classes' });
  const origin = h('p', { class: 'hint', testid: 'detect.model-origin' });
  const render = (): void => {
    const { models: list, activeId, busy } = models.store.get();
    setChildren(select, list.map((m) => h('option', { value: m.id, selected: m.id === activeId }, optionText(m))));
    if (!list.some((m) => m.id === activeId)) select.value = '';
    select.disabled = list.length === 0 || busy != null;
    const info = activeModel(models);
    const names = info?.classNames ?? [];
    setChildren(classes, names.length === 0 ? [] : ['Knows: ', ...names.map((name, k) =>
      h('span', { class: 'class-chip', testid: `detect.model-class.${name}`, style: `--chip: ${classColour(k + 1)}` }, name))]);
    origin.textContent = info ? provenanceText(info) : '';
  };
  models.store.subscribe(render);
  render();
  return h('div', { class: 'model-picker' }, h('label', { class: 'model-pick-label' }, 'Model ', select), classes, origin);
}

/** "bccd (shipped) — Platelets, RBC, WBC": each model with what it knows, before it is picked. */
export function optionText(m: Pick<ModelInfo, 'name' | 'source' | 'classNames'>): string {
  const classes = m.classNames?.length ? ` — ${m.classNames.join(', ')}` : '';
  return `${m.name} (${m.source === 'default' ? 'shipped' : 'this browser'})${classes}`;
}

const measured = new WeakMap<LoadedImage, ImageStatistics | null>();

/** The image's colour statistics, measured once per image as the training photos' were (a 64 × 64 redraw). */
function statisticsOf(image: LoadedImage): ImageStatistics | null {
  // null (a closed bitmap): no colour check, the score rules still apply
  if (!measured.has(image)) measured.set(image, bitmapStatistics(image.bitmap));
  return measured.get(image) ?? null;
}

/**
 * The hint under the picker: what the user looks for and the model does not know, at once; after a run of the
 * active model on the image shown, whether its answer deserves doubt.
 */
export function modelFitHintElement(controller: DetectController, models: ModelsController): HTMLElement {
  const hint = h('p', { class: 'notice model-fit', role: 'status', testid: 'detect.hint', hidden: true });
  const render = (): void => {
    const state = controller.store.get();
    const info = activeModel(models);
    const view = controller.view();
    const image = state.image;
    const judged = image != null && view != null && state.run === 'done' && models.service.status().modelName === info?.name;
    const stats = judged && info?.imageStatistics ? statisticsOf(image) : null;
    const distance = stats && info?.imageStatistics ? domainDistance(stats, info.imageStatistics) : null;
    const result = info && modelFitHint({
      classNames: info.classNames ?? state.result?.classNames ?? [],
      scores: judged ? view.detections.map((d) => d.score) : null,
      scoreThreshold: state.scoreThreshold,
      domain: distance && info.imageStatistics && {
        spreads: distance.z, feature: distance.feature, trainingImages: info.imageStatistics.images,
        dataset: info.origin.kind === 'shipped' ? info.origin.dataset : null,
      },
      lookingFor: state.lookingFor,
      otherModels: models.store.get().models.filter((m) => m.id !== info.id).map((m) => ({ name: m.name, classNames: m.classNames ?? [] })),
    });
    hint.hidden = result == null;
    hint.textContent = result?.text ?? '';
    if (result) hint.dataset.reasons = result.reasons.join(' ');
    else hint.removeAttribute('data-reasons');
  };
  controller.store.subscribe(render);
  models.store.subscribe(render);
  models.service.onStatus(render);
  render();
  return hint;
}
