/**
 * "Selected detection" section: for the hovered or selected box, where it came from: with an RPN, the anchor its
 * proposal grew from (size, ratio, map cell), the RPN's objectness and regression of it (result.rpn, from the run
 * itself); its source proposal, the head's regression that moved it (the R-CNN deltas dx, dy, dw, dh), and the
 * class probabilities of its proposal.
 */
import { encodeDeltas } from '../../geometry/bbox_transform';
import { packBoxes, type Box } from '../../geometry/box';
import { classColour } from '../../render/colours';
import type { DetectionView, ViewCandidate } from '../../render/detection_view';
import type { RpnExplanation } from '../../model/detection_types';
import { formatScore } from '../../render/scene';
import { section } from '../controls';
import { h, setChildren } from '../dom';
import type { Store } from '../state/store';
import type { DetectState } from './detect_state';

export function detectionDetailsSection(store: Store<DetectState>, view: () => DetectionView | null): HTMLElement {
  const body = h('div', { class: 'details', testid: 'detect.details', 'aria-live': 'polite' });
  let shownKey: string | null | undefined;
  let shownView: DetectionView | null = null;
  store.subscribe((state) => {
    const key = state.hoverKey ?? state.selectedKey;
    const current = view();
    if (key === shownKey && current === shownView) return;
    shownKey = key;
    shownView = current;
    const focus = key == null || current == null ? null : find(current, key);
    setChildren(body, focus ? details(focus, state.result?.classNames ?? [], state.result?.rpn) : h('p', { class: 'hint' }, 'Hover or select a detection to see where it came from.'));
  });
  setChildren(body, h('p', { class: 'hint' }, 'Hover or select a detection to see where it came from.'));
  return section('Selected detection', 'detect.selected', body);
}

function find(view: DetectionView, key: string): ViewCandidate | null {
  return view.detections.find((d) => d.key === key) ?? view.suppressed.find((d) => d.key === key) ?? null;
}

const fmtBox = (b: Box): string => b.map((v) => Math.round(v)).join(', ');

const fmtDeltas = ([dx, dy, dw, dh]: readonly number[] | Float32Array): string => `dx ${dx.toFixed(3)}, dy ${dy.toFixed(3)}, dw ${dw.toFixed(3)}, dh ${dh.toFixed(3)}`;

/** "64 px, ratio 1:2 (h:w), cell row 3, column 7": an anchor as the model's settings name it. */
function anchorText(anchor: RpnExplanation['anchors'][number]): string {
  const ratio = anchor.ratio === 1 ? '1:1' : anchor.ratio < 1 ? `1:${+(1 / anchor.ratio).toFixed(2)}` : `${+anchor.ratio.toFixed(2)}:1`;
  return `${Math.round(anchor.side)} px, ratio ${ratio} (h:w), cell row ${anchor.row}, column ${anchor.col}`;
}

/** The RPN's part of the story: the anchor, then the RPN's objectness and regression of it onto the proposal. */
function rpnFacts(c: ViewCandidate, rpn: RpnExplanation | undefined): HTMLElement[] {
  const anchor = rpn?.anchors[c.proposalIndex];
  if (!rpn || !anchor) return [];
  return [
    h('dt', {}, 'Anchor'), h('dd', { testid: 'detect.details.anchor' }, `${anchorText(anchor)}: [${fmtBox(anchor.box)}]`),
    h('dt', {}, 'RPN regression'), h('dd', { testid: 'detect.details.rpn-deltas' },
      `${fmtDeltas(rpn.deltas[c.proposalIndex])}; objectness ${rpn.objectness[c.proposalIndex].toFixed(2)}`),
  ];
}

function details(c: ViewCandidate, classNames: readonly string[], rpn: RpnExplanation | undefined): HTMLElement {
  const deltas = encodeDeltas(packBoxes([c.boxBeforeRegression]), packBoxes([c.box]));
  return h('div', {},
    h('p', { class: 'detail-title' },
      h('span', { class: 'swatch', style: `background:${classColour(c.classId)}`, 'aria-hidden': 'true' }),
      h('strong', {}, c.className), ` ${formatScore(c.score)}`, c.suppressedBy ? ' (suppressed by NMS)' : ''),
    h('dl', { class: 'facts' },
      ...rpnFacts(c, rpn),
      h('dt', {}, 'Source proposal'), h('dd', { testid: 'detect.details.proposal' }, `#${c.proposalIndex}: [${fmtBox(c.boxBeforeRegression)}]`),
      h('dt', {}, 'After regression'), h('dd', { testid: 'detect.details.box' }, `[${fmtBox(c.box)}]`),
      h('dt', {}, rpn ? 'Head regression' : 'Regression'), h('dd', { testid: 'detect.details.deltas' }, fmtDeltas(deltas)),
    ),
    probabilityBars(c, classNames),
  );
}

function probabilityBars(c: ViewCandidate, classNames: readonly string[]): HTMLElement {
  if (c.classProbabilities == null) {
    return h('p', { class: 'hint' }, 'The class probabilities of this proposal were not kept by the detector.');
  }
  const names = ['background', ...classNames];
  const rows = c.classProbabilities.map((p, i) => h('div', { class: 'prob-row' },
    h('span', { class: 'prob-name' }, names[i] ?? `class ${i}`),
    h('span', { class: 'prob-bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 1, 'aria-valuenow': p.toFixed(3), 'aria-label': `${names[i]} probability` },
      h('span', { style: `width:${(p * 100).toFixed(1)}%;background:${i === 0 ? 'var(--muted)' : classColour(i)}` })),
    h('span', { class: 'prob-value' }, p.toFixed(2)),
  ));
  return h('div', { class: 'probs', testid: 'detect.details.probabilities' }, h('p', { class: 'probs-title' }, 'Class probabilities'), ...rows);
}
