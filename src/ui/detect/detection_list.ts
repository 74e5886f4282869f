/**
 * "Detections" section: one button per detection, best first. Hovering or focusing a row highlights it on the
 * canvas (the keyboard route to the same explanation the pointer gets); clicking selects it.
 */
import { classColour } from '../../render/colours';
import type { ViewCandidate } from '../../render/detection_view';
import { formatScore } from '../../render/scene';
import { section } from '../controls';
import { h, setChildren } from '../dom';
import type { Store } from '../state/store';
import type { DetectState } from './detect_state';

export function detectionListSection(store: Store<DetectState>, view: () => { detections: readonly ViewCandidate[] } | null): HTMLElement {
  const summary = h('p', { class: 'hint', testid: 'detect.summary' });
  const list = h('ul', { class: 'detections', testid: 'detect.list', 'aria-label': 'Detections' });
  let shown: readonly ViewCandidate[] | null = null;
  const render = (): void => {
    const state = store.get();
    const detections = view()?.detections ?? null;
    summary.textContent = summaryText(state, detections);
    if (detections !== shown) {
      shown = detections;
      setChildren(list, (detections ?? []).map((d) => row(store, d)));
    }
    for (const item of list.querySelectorAll<HTMLButtonElement>('button[data-key]')) {
      const key = item.dataset.key!;
      item.setAttribute('aria-pressed', String(key === state.selectedKey));
      item.classList.toggle('hovered', key === state.hoverKey);
    }
  };
  store.subscribe(render);
  render();
  return section('Detections', 'detect.detections', summary, list);
}

function summaryText(state: DetectState, detections: readonly ViewCandidate[] | null): string {
  if (!state.image) return 'Open an image to detect objects.';
  if (state.run === 'running') return 'Detecting…';
  if (state.run === 'unavailable') return 'No detector is loaded yet, so nothing was detected.';
  if (state.run === 'failed') return 'Detection failed.';
  if (state.run === 'cancelled' && detections == null) return 'Detection cancelled; nothing was detected.';
  if (detections == null) return '';
  if (detections.length === 0) return 'No object scores above the threshold.';
  const counts = new Map<string, number>();
  for (const d of detections) counts.set(d.className, (counts.get(d.className) ?? 0) + 1);
  return `${detections.length} found: ${[...counts].map(([name, n]) => `${n} ${name}`).join(', ')}.`;
}

function row(store: Store<DetectState>, d: ViewCandidate): HTMLElement {
  const button = h('button', {
    type: 'button', class: 'detection-row', 'data-key': d.key, testid: `detect.item.${d.key}`,
    onmouseenter: () => store.set({ hoverKey: d.key }),
    onmouseleave: () => store.set({ hoverKey: null }),
    onfocus: () => store.set({ hoverKey: d.key }),
    onblur: () => store.set({ hoverKey: null }),
    onclick: () => store.set({ selectedKey: store.get().selectedKey === d.key ? null : d.key }),
  },
  h('span', { class: 'swatch', style: `background:${classColour(d.classId)}`, 'aria-hidden': 'true' }),
  h('span', { class: 'name' }, d.className),
  h('span', { class: 'score' }, formatScore(d.score)));
  return h('li', {}, button);
}
