/** The Detect tab's side panel: image, detector status, display controls, detections, details and timing. */
import { stageText } from '../../api/progress_text';
import { section } from '../controls';
import { h, uniqueId } from '../dom';
import type { DetectorService } from '../detector_service';
import type { Sample } from '../samples';
import type { DetectController } from './detect_controller';
import type { ModelsController } from '../models/models_controller';
import { modelFitHintElement, modelPicker } from './model_picker';
import { detectionDetailsSection } from './detection_details';
import { detectionListSection } from './detection_list';
import { displaySection } from './display_controls';
import { imageSourceSection } from './image_source';
import { lookingForField } from './looking_for_field';
import { stageTimesSection } from './stage_times';

export interface DetectPanelOptions {
  readonly controller: DetectController;
  readonly detector: () => DetectorService;
  /** The app's models: the Detect tab's picker switches the same model the Models tab does. */
  readonly models: ModelsController;
  readonly onSample: (sample: Sample) => void;
  /** "Annotate this image": hands the current image to the Annotate tab. */
  readonly onAnnotate: () => void;
}

export function detectPanel(options: DetectPanelOptions): HTMLElement {
  const { controller } = options;
  const store = controller.store;
  const view = (): ReturnType<DetectController['view']> => controller.view();
  return h('div', { class: 'panel-stack' },
    imageSourceSection({ onFiles: (files) => void controller.loadFiles(files), onSample: options.onSample }),
    detectorSection(options),
    displaySection(store),
    detectionListSection(store, view),
    detectionDetailsSection(store, view),
    stageTimesSection(store),
  );
}

function detectorSection(options: DetectPanelOptions): HTMLElement {
  const { controller } = options;
  const line = h('p', { class: 'model-status', testid: 'detect.model' });
  const progress = h('progress', { class: 'run-progress', testid: 'detect.progress', max: 1, hidden: true, 'aria-label': 'Detection progress' });
  const rerun = h('button', { type: 'button', testid: 'detect.run', onclick: () => void controller.runDetection() }, 'Detect again');
  const annotate = h('button', { type: 'button', testid: 'detect.annotate', onclick: options.onAnnotate }, 'Annotate this image');
  // a model trained with learned proposals: its RPN's proposals (the default: what it was trained for) or selective search
  const proposalsId = uniqueId('field');
  const proposals = h('select', { id: proposalsId, testid: 'detect.proposals',
    onchange: () => {
      controller.store.set({ useRpn: proposals.value === 'rpn' });
      if (controller.store.get().image) void controller.runDetection();
    } },
  h('option', { value: 'rpn' }, 'Learned (the model’s RPN, top 300)'), h('option', { value: 'selective-search' }, 'Selective search (fast)'));
  const proposalsField = h('div', { class: 'field', testid: 'detect.proposals-field' }, h('label', { for: proposalsId }, 'Proposals'), proposals);
  const render = (): void => {
    const status = options.detector().status();
    const state = controller.store.get();
    line.dataset.state = status.state;
    // while it detects, the detector is busy rather than "ready"; the stage shows over the image and in the status line
    const message = status.state === 'ready' && state.run === 'running' ? 'detecting…' : status.message;
    line.textContent = status.modelName ? `${status.modelName}: ${message}` : message;
    rerun.disabled = status.state !== 'ready' || !state.image || state.run === 'running';
    annotate.disabled = !state.image;
    // selective search is the only kind a model without an RPN has (.field sets its own display: `hidden` would not hide it)
    proposalsField.style.display = status.hasRpn ? '' : 'none';
    proposals.value = state.useRpn ? 'rpn' : 'selective-search';
    proposals.disabled = state.run === 'running';
    progress.hidden = state.run !== 'running';
    const fraction = state.progress?.fraction;
    if (fraction == null) progress.removeAttribute('value');
    else progress.value = fraction;
    progress.setAttribute('aria-valuetext', state.progress ? stageText(state.progress) : 'Detecting objects…');
  };
  controller.store.subscribe(render);
  options.detector().onStatus(render);
  render();
  return section('Detector', 'detect.detector', modelPicker(options.models), lookingForField(controller.store, options.models),
    modelFitHintElement(controller, options.models),
    proposalsField, line, progress, h('div', { class: 'row' }, rerun, annotate));
}
