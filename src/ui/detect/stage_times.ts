/** "Timing" section: how long each stage of the last run took. */
import type { StageTimesMs } from '../../model/detection_types';
import { section } from '../controls';
import { h, setChildren } from '../dom';
import type { Store } from '../state/store';
import type { DetectState } from './detect_state';

const STAGES: readonly [keyof StageTimesMs, string][] = [
  ['proposals', 'Proposals (selective search)'],
  ['preprocess', 'Preprocess'],
  ['backbone', 'Backbone'],
  ['roiPool', 'RoI pooling'],
  ['fc', 'Heads (fc)'],
  ['nms', 'NMS'],
  ['total', 'Total'],
];

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

export function stageTimesSection(store: Store<DetectState>): HTMLElement {
  const table = h('table', { class: 'times', testid: 'detect.times' });
  let shown: StageTimesMs | null | undefined;
  const render = (): void => {
    const result = store.get().result;
    const times = result?.timesMs ?? null;
    if (times === shown) return;
    shown = times;
    if (!times) {
      setChildren(table, h('tbody', {}, h('tr', {}, h('td', { class: 'hint' }, 'Times appear after a detection.'))));
      return;
    }
    // an RPN's proposals were computed after the backbone, on its map: no selective search ran
    const named = (key: keyof StageTimesMs, label: string): string => (key === 'proposals' && result?.rpn ? 'Proposals (RPN, after the backbone)' : label);
    const rows = STAGES.filter(([key]) => times[key] != null).map(([key, label]) =>
      h('tr', { class: key === 'total' ? 'total' : '' }, h('th', { scope: 'row' }, named(key, label)), h('td', { testid: `detect.time.${key}` }, formatMs(times[key]!))));
    setChildren(table, h('caption', { class: 'visually-hidden' }, 'Time per stage'), h('tbody', {}, ...rows),
      h('tfoot', {}, h('tr', {}, h('td', { colspan: 2, class: 'hint' }, `on ${result!.backend}`))));
  };
  store.subscribe(render);
  render();
  return section('Timing', 'detect.timing', table);
}
