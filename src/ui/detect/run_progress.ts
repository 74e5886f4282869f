/**
 * Over the image while a detection runs: the stage in words ("Running the network (wasm)…"), the elapsed time
 * ("12 s", a role="timer", which screen readers do not read out every second) and a Cancel button. It appears once
 * the run has lasted PROGRESS_DELAY_MS, so fast runs do not flicker; the status line under the image (read aloud)
 * names each stage from the start. Escape does what Cancel does (detect_shortcuts.ts).
 */
import { formatElapsed, PROGRESS_TICK_MS, showsProgress } from '../../api/progress_text';
import { h } from '../dom';
import type { DetectController } from './detect_controller';


export function runProgressOverlay(controller: DetectController): HTMLElement {
  const stage = h('span', { class: 'run-stage', testid: 'detect.stage' });
  const elapsed = h('span', { class: 'run-elapsed', role: 'timer', 'aria-label': 'Elapsed time', testid: 'detect.elapsed' });
  const cancel = h('button', {
    type: 'button', class: 'run-cancel', testid: 'detect.cancel', 'aria-label': 'Cancel the detection', 'aria-keyshortcuts': 'Escape',
    onclick: () => void controller.cancel(),
  }, 'Cancel');
  const box = h('div', { class: 'run-overlay', testid: 'detect.running', hidden: true }, stage, elapsed, cancel);
  let ticker = 0;
  const render = (): void => {
    const { run, runStartedAt } = controller.store.get();
    const running = run === 'running' && runStartedAt !== null;
    if (running && !ticker) ticker = window.setInterval(render, PROGRESS_TICK_MS);
    if (!running && ticker) {
      window.clearInterval(ticker);
      ticker = 0;
    }
    const ms = running ? performance.now() - runStartedAt : 0;
    box.hidden = !(running && showsProgress(ms));
    if (box.hidden) {
      stage.textContent = elapsed.textContent = '';
      return;
    }
    stage.textContent = controller.runStage();
    elapsed.textContent = formatElapsed(ms);
  };
  controller.store.subscribe(render);
  render();
  return box;
}
