/**
 * The detector page, wired together: one canvas stage shared by the tabs, a side panel per tab, drop/paste input,
 * the help dialog, and the test API. Panels talk to the model and training code only through small interfaces
 * (DetectorService, …), so each lands here by changing one line.
 */
import { CanvasStage } from './canvas/stage';
import { DetectController } from './detect/detect_controller';
import { detectPanel } from './detect/detect_panel';
import { handleDetectKey } from './detect/detect_shortcuts';
import { createDetectStore } from './detect/detect_state';
import { unavailableDetector, type DetectorService } from './detector_service';
import { byTestId } from './dom';
import { isTyping, setupHelpDialog } from './help_dialog';
import { attachImageInput } from './image_input';
import { fetchSample, type Sample } from './samples';
import { StatusLine } from './status';
import { setupTabs, type TabId } from './tabs';
import { installTestApi, shouldInstallTestApi } from './test_api';

export interface App {
  setDetector(detector: DetectorService): void;
}

export function startApp(): App {
  const status = new StatusLine(byTestId('status'));
  const stage = new CanvasStage('No image yet');
  const frame = byTestId('stage.drop');
  frame.prepend(stage.element);
  const empty = byTestId('stage.empty');

  let detector: DetectorService = unavailableDetector('No detection model is available in this build yet.');
  const detectStore = createDetectStore();
  const detect = new DetectController(detectStore, stage, detector, status);
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

  byTestId('panel.detect').append(detectPanel({
    controller: detect,
    detector: () => detector,
    onSample: (sample) => void openSample(sample),
    onAnnotate: () => status.info('Annotation arrives in the next step of this page.'),
  }));

  const tabs = setupTabs(byTestId('tabs'), byTestId('workspace'), (tab: TabId) => {
    detect.setActive(tab === 'detect');
  });
  detect.setActive(true);

  attachImageInput({
    dropTarget: frame,
    onFiles: (files) => {
      if (tabs.current() === 'detect') void detect.loadFiles(files);
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
    if (tabs.current() === 'detect' && handleDetectKey(event, detectStore)) event.preventDefault();
  });

  if (shouldInstallTestApi()) installTestApi(stage, detect, tabs);

  return {
    setDetector(next: DetectorService) {
      detector = next;
      detect.setDetector(next);
    },
  };
}
