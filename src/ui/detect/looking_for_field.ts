/**
 * "Looking for": the user says what they want found, with the active model's classes offered as they type. A class
 * the model knows (case-insensitive) is the only one drawn and listed (DetectController.view, through the model's
 * post-processing); anything else makes the hint under the picker say what the model knows and which model knows
 * that (model_fit_hint.ts). Remembered for this browser tab's session only: a new visit starts with everything.
 */
import { h, setChildren } from '../dom';
import type { ModelsController } from '../models/models_controller';
import type { Store } from '../state/store';
import type { DetectState } from './detect_state';
import { activeModel } from './model_picker';

const SESSION_KEY = 'frcnn.detect.lookingFor';

function session(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage refused (a sandboxed frame): the field still works, unremembered
  }
}

export function lookingForField(store: Store<DetectState>, models: ModelsController): HTMLElement {
  const remembered = session()?.getItem(SESSION_KEY) ?? '';
  if (remembered !== store.get().lookingFor) store.set({ lookingFor: remembered });
  const options = h('datalist', { id: 'detect-looking-for-classes', testid: 'detect.looking-for-classes' });
  const input = h('input', {
    type: 'search', list: 'detect-looking-for-classes', testid: 'detect.looking-for', placeholder: 'everything it knows',
    autocomplete: 'off', spellcheck: 'false', value: remembered,
    oninput: () => {
      store.set({ lookingFor: input.value });
      try {
        session()?.setItem(SESSION_KEY, input.value);
      } catch {
        // a full or refused storage only loses the memory of the field
      }
    },
  });
  const showClasses = (): void => {
    setChildren(options, (activeModel(models)?.classNames ?? []).map((name) => h('option', { value: name })));
  };
  models.store.subscribe(showClasses);
  showClasses();
  store.subscribe((next) => {
    if (input.value !== next.lookingFor) input.value = next.lookingFor;
  });
  return h('div', { class: 'looking-for' }, h('label', { class: 'model-pick-label' }, 'Looking for ', input), options);
}
