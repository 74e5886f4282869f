/**
 * The detector page, wired together: one canvas stage shared by the tabs, a side panel per tab, drop/paste input,
 * the help dialog, and the test API. Panels talk to the model and training code only through small interfaces
 * (DetectorService, …), so each lands here by changing one line.
 */
import { AnnotateController } from './annotate/annotate_controller';
import { annotatePanel } from './annotate/annotate_panel';
import { createAnnotateStore } from './annotate/annotate_state';
import { SuggestionsController } from './annotate/suggestions_controller';
import { suggestionsSection } from './annotate/suggestions_panel';
import { AnnotationStore } from './annotate/persist';
import { CanvasStage } from './canvas/stage';
import { DetectController } from './detect/detect_controller';
import { detectPanel } from './detect/detect_panel';
import { handleDetectKey } from './detect/detect_shortcuts';
import { runProgressOverlay } from './detect/run_progress';
import { attachStageLegend } from './detect/stage_legend';
import { createDetectStore } from './detect/detect_state';
import type { BackendPreference } from '../api/types';
import type { DetectorService } from './detector_service';
import { byTestId } from './dom';
import { isTyping, setupHelpDialog } from './help_dialog';
import { attachImageInput } from './image_input';
import { FastRcnnService } from './models/fast_rcnn_service';
import { ModelRegistry } from './models/model_registry';
import { ModelsController } from './models/models_controller';
import { modelsPanel } from './models/models_panel';
import { fetchSample, type Sample } from './samples';
import { TrainController } from './train/train_controller';
import { trainPanel } from './train/train_panel';
import { createTrainStore } from './train/train_state';
import { StatusLine } from './status';
import { setupTabs, type TabId } from './tabs';
import { installTestApi, shouldInstallTestApi } from './test_api';

export interface App {
  /** The tfjs backend is chosen (in the detection worker, with `preference`): models can load now. */
  backendReady(preference?: BackendPreference): void;
}

/** The empty canvas's second line: what this tab offers (only Detect has samples). */
const EMPTY_HINTS = {
  detect: 'or paste one (Ctrl+V), open a file, or try a sample from the panel.',
  annotate: 'or paste one (Ctrl+V), or use Add images… or Import files… in the panel.',
} as const;

export function startApp(): App {
  const status = new StatusLine(byTestId('status'));
  const stage = new CanvasStage('No image yet');
  const frame = byTestId('stage.drop');
  frame.prepend(stage.element);
  const empty = byTestId('stage.empty');

  const service = new FastRcnnService('Starting the detector…');
  const detector: DetectorService = service;
  const models = new ModelsController(new ModelRegistry(), service, status);
  const detectStore = createDetectStore();
  const detect = new DetectController(detectStore, stage, detector, status);
  frame.append(runProgressOverlay(detect)); // the stage, elapsed time and Cancel over the image while a detection runs
  detectStore.subscribe((state) => {
    empty.hidden = state.image != null;
    stage.setDescription(state.image ? `Image ${state.image.name} with ${detect.view()?.detections.length ?? 0} detections` : 'No image yet');
  });

  const openSample = async (sample: Sample): Promise<void> => {
    try {
      await detect.loadBlob(await fetchSample(sample.image), sample.image);
    } catch (error) {
      status.error(`The sample could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const annotateStore = createAnnotateStore();
  const annotate = new AnnotateController(annotateStore, stage, status, typeof indexedDB === 'undefined' ? null : new AnnotationStore());
  annotateStore.subscribe((state) => {
    if (tabs.current() === 'annotate') empty.hidden = state.currentId != null;
  });

  /** "Annotate this image": the Detect image, with the detections shown now as boxes to check. */
  const annotateDetectImage = async (): Promise<void> => {
    const image = detectStore.get().image;
    if (!image) return;
    const boxes = (detect.view()?.detections ?? []).map((d) => ({ className: d.className, box: d.box }));
    const id = await annotate.addImage(image.blob, image.name, boxes);
    tabs.select('annotate');
    if (id) await annotate.select(id);
  };

  byTestId('panel.detect').append(detectPanel({
    controller: detect,
    detector: () => detector,
    models,
    onSample: (sample) => void openSample(sample),
    onAnnotate: () => void annotateDetectImage(),
  }));
  const suggestions = new SuggestionsController(annotate, detector, status); // "Suggest boxes": the model in use labels, the user checks
  byTestId('panel.annotate').append(annotatePanel(annotate, suggestionsSection(suggestions)));
  byTestId('panel.models').append(modelsPanel(models));
  const train = new TrainController(createTrainStore(), annotate, models, stage, status);
  byTestId('panel.train').append(trainPanel(train, annotate));

  const workspace = byTestId('workspace');
  const legend = attachStageLegend(byTestId('stage.legend'), detect, models, () => workspace.dataset.tab === 'detect', () => stage.lastLabels().hidden.length);
  stage.onLabelsLeftOut(() => legend());
  const tabs = setupTabs(byTestId('tabs'), byTestId('workspace'), (tab: TabId) => {
    legend();
    detect.setActive(tab === 'detect');
    annotate.setActive(tab === 'annotate');
    train.setActive(tab === 'train');
    empty.hidden = tab === 'detect' ? detectStore.get().image != null : tab === 'annotate' ? annotateStore.get().currentId != null : true;
    if (tab in EMPTY_HINTS) byTestId('stage.empty-hint').textContent = EMPTY_HINTS[tab as keyof typeof EMPTY_HINTS];
  });
  detect.setActive(true);
  void annotate.restore();

  attachImageInput({
    dropTarget: frame,
    onFiles: (files) => {
      if (tabs.current() === 'detect') void detect.loadFiles(files);
      else if (tabs.current() === 'annotate') void annotate.addFiles(files);
    },
  });

  const help = setupHelpDialog(byTestId<HTMLDialogElement>('help.dialog'), byTestId('help.open'));
  window.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || isTyping(event) || byTestId<HTMLDialogElement>('help.dialog').open) return;
    if (event.key === '?') {
      help.open();
      event.preventDefault();
      return;
    }
    const handled = tabs.current() === 'detect' ? handleDetectKey(event, detectStore, () => detect.cancel())
      : tabs.current() === 'annotate' ? annotate.handleKey(event) : false;
    if (handled) event.preventDefault();
  });

  if (shouldInstallTestApi()) {
    const api = installTestApi(stage, tabs, { detect, annotate, train, models });
    // what the Detect tab draws now, with exact scores and boxes (e2e/detection_consistency.spec.ts compares them with detect()'s)
    api.parts.detections = () => (detect.view()?.detections ?? []).map(({ className, score, box }) => ({ className, score, box }));
  }

  return {
    backendReady(preference) {
      if (preference !== undefined) service.setBackendPreference(preference);
      void models.start();
    },
  };
}
