/**
 * What the legend under the stage lists: each class with its colour, then each layer drawn now with how it is
 * drawn (solid, dashed, dotted, the proposals' density map with their count, the RPN's proposals and objectness).
 * Pure: the app turns it into elements.
 */
import { classColour, DENSITY_COLOUR, RPN_COLOUR } from './colours';
import { DASH_PRE_REGRESSION, DASH_SUPPRESSED, type LayerState } from './scene';

export type LegendEntry =
  | { readonly kind: 'class'; readonly name: string; readonly colour: string }
  | { readonly kind: 'layer'; readonly layer: keyof LayerState; readonly text: string; readonly colour: string; readonly dash: readonly number[] }
  | { readonly kind: 'note'; readonly text: string };

export interface LegendInput {
  /** Class names in class-id order (class id k = classNames[k - 1]). */
  readonly classNames: readonly string[];
  readonly layers: LayerState;
  /** Proposals in the result shown; null with no result. */
  readonly proposals: number | null;
  /** How many of them are outlined brighter. */
  readonly topProposals: number;
  /** Labels the renderer left out for want of room (label_placement.ts). */
  readonly labelsLeftOut?: number;
  /** With RPN proposals: how many of them its layer outlines (the best by objectness); absent or null otherwise. */
  readonly rpnProposals?: number | null;
}

/** "2,000": the count as people write it. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function legendEntries(input: LegendInput): LegendEntry[] {
  const { layers } = input;
  const entries: LegendEntry[] = input.classNames.map((name, k) => ({ kind: 'class', name, colour: classColour(k + 1) }));
  const neutral = '#9e9e9e';
  if (layers.detections) entries.push({ kind: 'layer', layer: 'detections', text: 'detections', colour: neutral, dash: [] });
  if (layers.preRegression) entries.push({ kind: 'layer', layer: 'preRegression', text: 'before regression', colour: neutral, dash: DASH_PRE_REGRESSION });
  if (layers.suppressed) entries.push({ kind: 'layer', layer: 'suppressed', text: 'suppressed by NMS', colour: neutral, dash: DASH_SUPPRESSED });
  if (layers.proposals && input.proposals != null) {
    const best = Math.min(input.topProposals, input.proposals);
    const text = `${formatCount(input.proposals)} proposal${input.proposals === 1 ? '' : 's'} (shaded where they crowd${best > 0 ? `; the ${best} best outlined` : ''})`;
    entries.push({ kind: 'layer', layer: 'proposals', text, colour: DENSITY_COLOUR, dash: [] });
  }
  const rpn = input.rpnProposals ?? null;
  if (layers.rpnProposals && rpn !== null) {
    entries.push({ kind: 'layer', layer: 'rpnProposals', text: `the ${formatCount(rpn)} best RPN proposal${rpn === 1 ? '' : 's'} by objectness`, colour: RPN_COLOUR, dash: [] });
  }
  if (layers.objectness && rpn !== null) {
    entries.push({ kind: 'layer', layer: 'objectness', text: 'RPN objectness (shaded where it expects an object)', colour: RPN_COLOUR, dash: [] });
  }
  const leftOut = input.labelsLeftOut ?? 0;
  if (leftOut > 0) entries.push({ kind: 'note', text: `${formatCount(leftOut)} label${leftOut === 1 ? '' : 's'} left out for room` });
  return entries;
}
