/**
 * "Run" section: the estimate, start / pause / cancel, the progress bar with time left, the loss curves and the
 * validation-mAP curve.
 */
import { pluralize } from '../../data/plural';
import { section } from '../controls';
import { h } from '../dom';
import { formatBytes, formatDuration } from '../../training/estimate';
import { LossPlot, SERIES } from './loss_plot';
import type { TrainController } from './train_controller';
import type { TrainState } from './train_state';
import { ValidationPlot } from './validation_plot';

export function phaseText(state: TrainState): string {
  const n = `${state.phaseDone} of ${state.phaseTotal}`;
  switch (state.phase) {
    case 'idle': return 'Not started.';
    case 'setup': return 'Starting the training worker…';
    case 'proposals': return `Finding proposals: ${n} ${state.phaseTotal === 1 ? 'image' : 'images'}.`;
    case 'features': return `Computing backbone features: ${n}${state.phaseDetail ? ` (${state.phaseDetail})` : ''}.`;
    case 'training': {
      const p = state.progress;
      if (!p) return 'Training…';
      const again = state.retraining && state.launched ? `Training again on all ${pluralize(state.launched.train + state.launched.validation, 'image')}: ` : '';
      return `${again}${state.paused ? 'Paused at' : again ? 'iteration' : 'Iteration'} ${p.iteration} of ${p.iterations}, about ${formatDuration(p.secondsLeft)} left.`;
    }
    case 'validating': return `Measuring validation mAP: ${n} ${state.phaseTotal === 1 ? 'image' : 'images'}.`;
    case 'evaluating': return `Evaluating on the held-out images: ${n}.`;
    case 'exporting': return 'Writing the model…';
    case 'done': {
      const on = state.summary?.backend ? ` on ${state.summary.backend}` : '';
      const again = state.summary?.retrained ? `, then ${state.summary.retrained.iterations} on all ${pluralize(state.summary.retrained.images, 'image')},` : '';
      return `Done: ${state.summary?.iterations ?? 0} iterations${again} in ${formatDuration(state.summary?.seconds ?? 0)}${on}.`;
    }
    case 'cancelled': return 'Cancelled.';
    case 'failed': return `Failed: ${state.error ?? 'unknown error'}`;
  }
}

function fraction(state: TrainState): number | null {
  if (state.phase === 'training' && state.progress) return state.progress.iteration / state.progress.iterations;
  if (state.phase === 'done') return 1;
  if (state.phaseTotal > 0 && state.running) return state.phaseDone / state.phaseTotal;
  return null;
}

export function runSection(controller: TrainController): HTMLElement {
  const { store } = controller;
  const estimate = h('p', { class: 'estimate', testid: 'train.estimate' });
  const start = h('button', { type: 'button', class: 'primary', testid: 'train.start', onclick: () => controller.start() }, 'Start fine-tuning');
  const pause = h('button', { type: 'button', testid: 'train.pause', onclick: () => (store.get().paused ? controller.resume() : controller.pause()) }, 'Pause');
  const cancel = h('button', { type: 'button', class: 'danger', testid: 'train.cancel', onclick: () => controller.cancel() }, 'Cancel');
  const exportBundle = h('button', { type: 'button', testid: 'train.export-bundle', title: 'A zip of this run (images, boxes, proposals, settings) for the PyTorch trainer in scale/: for sets too large for the page',
    onclick: () => void controller.exportBundle() }, 'Export for PyTorch');
  const phase = h('p', { class: 'phase', testid: 'train.phase', 'aria-live': 'polite' });
  const bar = h('progress', { class: 'run-progress', testid: 'train.progress', max: 1, 'aria-label': 'Fine-tuning progress' });
  const plot = new LossPlot();
  const legendItems = SERIES.map((s) => h('span', {}, h('span', { class: 'legend-line', style: `background:${s.colour}` }), s.label));
  const rpnLegend = legendItems[SERIES.findIndex((s) => s.key === 'rpn')];
  const legend = h('p', { class: 'plot-legend', 'aria-hidden': 'true' }, ...legendItems);
  const validationPlot = new ValidationPlot();
  const validationCaption = h('figcaption', { class: 'plot-legend', testid: 'train.validation-caption' });
  const validationFigure = h('figure', { class: 'plot' }, validationPlot.element, validationCaption);
  const blocker = h('p', { class: 'hint', testid: 'train.blocker' });
  const interruptedText = h('p', { class: 'hint', testid: 'train.interrupted' });
  const resumeRun = h('button', { type: 'button', testid: 'train.resume-run', onclick: () => controller.resumeInterrupted() }, 'Resume it');
  const discardRun = h('button', { type: 'button', testid: 'train.discard-run', onclick: () => controller.discardInterrupted() }, 'Discard');
  const interrupted = h('div', {}, interruptedText, h('div', { class: 'row' }, resumeRun, discardRun));
  let shownLosses: unknown = null;
  let shownValidation: unknown[] = [];
  const render = (): void => {
    const state = store.get();
    const plan = controller.plan();
    const e = plan?.estimate;
    estimate.textContent = e ? `Estimate: about ${formatDuration(e.seconds)} and ${formatBytes(e.bytes)} of memory on this device.` : 'Estimate: — (no images to train on yet).';
    const lost = state.running ? null : state.interrupted;
    interrupted.hidden = lost === null;
    if (lost) {
      const at = lost.checkpoint === null ? 'before its first checkpoint' : `after its checkpoint at iteration ${lost.checkpoint} of ${lost.iterations}`;
      interruptedText.textContent = `A run was interrupted (the page was reloaded or closed) ${at}. Resume it from there?`;
    }
    const why = controller.blocker();
    blocker.textContent = state.running ? '' : (why ?? '');
    start.disabled = state.running || why != null;
    pause.disabled = !state.running || state.phase !== 'training';
    pause.textContent = state.paused ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(state.paused));
    cancel.disabled = !state.running;
    exportBundle.disabled = state.running || why != null;
    const text = phaseText(state);
    if (phase.textContent !== text) phase.textContent = text;
    const f = fraction(state);
    if (f == null) bar.removeAttribute('value');
    else bar.value = f;
    bar.hidden = state.phase === 'idle';
    bar.setAttribute('aria-valuetext', text);
    const iterations = state.launched?.iterations ?? plan?.settings.iterations ?? 1;
    if (state.losses !== shownLosses) {
      shownLosses = state.losses;
      plot.update(state.losses, state.progress?.iterations ?? iterations);
      rpnLegend.hidden = !state.losses.some((p) => p.rpn !== undefined); // only a run that trains an RPN has its curve
    }
    const kept = state.summary?.chosenIteration ?? null;
    if (state.validation !== shownValidation[0] || kept !== shownValidation[1] || iterations !== shownValidation[2]) {
      shownValidation = [state.validation, kept, iterations];
      validationPlot.update(state.validation, iterations, kept);
      const validating = state.launched?.validation ?? plan?.validation.length ?? 0;
      const last = state.validation.at(-1);
      validationCaption.textContent = validating === 0 && state.validation.length === 0
        ? 'Validation mAP: no validation images in this run.'
        : `Validation mAP on ${pluralize(validating, 'image')}${last ? `: ${(last.mAP * 100).toFixed(1)}% at iteration ${last.iteration}` : ', measured from the first quarter of the run on'}.`;
    }
  };
  store.subscribe(render);
  controller.annotateStore().subscribe(render);
  render();
  return section('Run', 'train.run', interrupted, estimate, blocker, h('div', { class: 'row' }, start, pause, cancel, exportBundle), phase, bar,
    h('figure', { class: 'plot' }, plot.element, h('figcaption', {}, legend)), validationFigure);
}
