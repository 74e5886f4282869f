/** "Display" section: thresholds and layer toggles. Moving a slider redraws at once; the network does not run again. */
import { checkbox, lineGlyph, section, slider } from '../controls';
import { h } from '../dom';
import { DASH_PRE_REGRESSION, DASH_SUPPRESSED, type LayerState } from '../../render/scene';
import type { Store } from '../state/store';
import { formatCount } from '../../render/legend';
import { RPN_COLOUR } from '../../render/colours';
import { RPN_TOP_PROPOSALS } from '../../render/proposal_layer';
import type { DetectState } from './detect_state';

/** `rpn`: shown only for a result whose proposals came from the model's Region Proposal Network. */
const LAYERS: readonly { key: keyof LayerState; label: string; dash: readonly number[]; opacity: number; rpn?: true }[] = [
  { key: 'detections', label: 'Detections (after regression)', dash: [], opacity: 1 },
  { key: 'preRegression', label: 'Before regression (source proposal)', dash: DASH_PRE_REGRESSION, opacity: 1 },
  { key: 'suppressed', label: 'Suppressed by NMS', dash: DASH_SUPPRESSED, opacity: 0.7 },
  { key: 'proposals', label: 'All proposals', dash: [], opacity: 0.4 },
  { key: 'rpnProposals', label: `RPN: the ${RPN_TOP_PROPOSALS} best proposals by objectness`, dash: [], opacity: 1, rpn: true },
  { key: 'objectness', label: 'RPN: objectness heatmap', dash: [], opacity: 0.6, rpn: true },
  { key: 'labels', label: 'Labels and scores', dash: [], opacity: 0 },
];

export function displaySection(store: Store<DetectState>): HTMLElement {
  const state = store.get();
  const score = slider({
    testid: 'detect.score', label: 'Score threshold', min: 0, max: 1, step: 0.01, value: state.scoreThreshold,
    hint: 'Hide detections scoring below this.',
    onInput: (scoreThreshold) => store.set({ scoreThreshold }),
  });
  const iou = slider({
    testid: 'detect.iou', label: 'NMS IoU threshold', min: 0.05, max: 0.95, step: 0.05, value: state.nmsIouThreshold,
    hint: 'Per class, a box overlapping a better one by more than this is suppressed.',
    onInput: (nmsIouThreshold) => store.set({ nmsIouThreshold }),
  });
  const toggles = LAYERS.map((layer) => checkbox({
    testid: `detect.layer.${layer.key}`,
    label: layer.label,
    checked: state.layers[layer.key],
    glyph: layer.key === 'labels' ? labelGlyph() : lineGlyph(layer.rpn ? RPN_COLOUR : 'currentColor', layer.dash, layer.opacity),
    onChange: (checked) => store.set({ layers: { ...store.get().layers, [layer.key]: checked } }),
  }));
  // how many proposals the result has, beside their toggle: "(2,000)"
  const proposalCount = h('span', { class: 'layer-count', testid: 'detect.proposal-count' });
  toggles[LAYERS.findIndex((l) => l.key === 'proposals')].element.append(proposalCount);
  const showCount = (): void => {
    const result = store.get().result;
    const n = result?.proposals.length;
    proposalCount.textContent = n == null ? '' : ` (${formatCount(n)}${result?.rpn ? ' from the RPN' : ''})`;
    LAYERS.forEach((layer, i) => {
      // a model without an RPN has nothing to show there (.check sets its own display, so `hidden` would not hide it)
      if (layer.rpn) toggles[i].element.style.display = result?.rpn ? '' : 'none';
    });
  };
  showCount();
  store.subscribe((next, previous) => {
    if (next.result !== previous.result) showCount();
    if (next.scoreThreshold !== previous.scoreThreshold && score.input.valueAsNumber !== next.scoreThreshold) score.setValue(next.scoreThreshold);
    if (next.nmsIouThreshold !== previous.nmsIouThreshold && iou.input.valueAsNumber !== next.nmsIouThreshold) iou.setValue(next.nmsIouThreshold);
    if (next.layers !== previous.layers) LAYERS.forEach((layer, i) => (toggles[i].input.checked = next.layers[layer.key]));
  });
  return section('Display', 'detect.display',
    score.element, iou.element,
    h('fieldset', { class: 'layers' }, h('legend', {}, 'Layers'), ...toggles.map((t) => t.element)),
  );
}

function labelGlyph(): HTMLElement {
  return h('span', { class: 'glyph glyph-label', 'aria-hidden': 'true' }, 'Aa');
}
