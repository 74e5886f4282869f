/**
 * The scene: everything the detector canvas draws, as plain data. Pure (no DOM), so it is unit-tested in Node and
 * exposed to Playwright through window.frcnnTestApi; renderer.ts only turns it into pixels.
 *
 * Draw order = array order: the RPN's objectness heatmap → proposals (their density map, every outline faint, the
 * best-scoring ones brighter) → the RPN's best proposals by objectness → suppressed candidates → boxes before
 * regression (dashed) → detections (solid) → the focused detection's explanation (with an RPN: its anchor and the
 * RPN's regression onto the proposal; then the head's regression) → annotations.
 */
import type { Box } from '../geometry/box';
import type { RpnExplanation } from '../model/detection_types';
import { classColour, DENSITY_COLOUR, PROPOSAL_COLOUR, RPN_COLOUR } from './colours';
import type { DetectionView, ViewCandidate } from './detection_view';
import { DENSITY_CELLS, objectnessGrid, proposalDensity, topByObjectness, type DensityGrid } from './proposal_layer';

export type DrawnKind =
  | 'density' | 'proposal' | 'rpnProposal' | 'anchor' | 'suppressed' | 'preRegression' | 'detection' | 'regression' | 'annotation' | 'draft' | 'crosshair';

export type Emphasis = 'normal' | 'focused' | 'dimmed';

export interface DrawnObject {
  readonly kind: DrawnKind;
  /** Stable id: 'proposal:<i>', 'detection:<key>', 'preRegression:<key>', 'suppressed:<key>', 'annotation:<id>'… */
  readonly id: string;
  /** Image coordinates. For 'regression', the box before regression. */
  readonly box: Box;
  /** 'regression' only: the box after regression; the renderer joins matching corners. */
  readonly to?: Box;
  readonly colour: string;
  /** Canvas line dash in CSS pixels; [] is solid. */
  readonly dash: readonly number[];
  /** CSS pixels. */
  readonly lineWidth: number;
  readonly alpha: number;
  readonly label: string | null;
  readonly emphasis: Emphasis;
  /** Annotation boxes: draw resize handles. */
  readonly handles?: boolean;
  /** 'crosshair' only: the pointer; `box` is then the image's extent, which the lines span. */
  readonly point?: { readonly x: number; readonly y: number };
  /** 'density' only: proposals per cell over `box` (the image's extent). */
  readonly density?: DensityGrid;
  /** 'proposal' only: one of the best-scoring proposals, outlined brighter over the others. */
  readonly top?: boolean;
}

export interface LayerState {
  readonly proposals: boolean;
  readonly preRegression: boolean;
  readonly detections: boolean;
  readonly suppressed: boolean;
  readonly labels: boolean;
  /** A result with RPN proposals: its best proposals by objectness, outlined. */
  readonly rpnProposals: boolean;
  /** A result with RPN proposals: the objectness heatmap over the RPN's map. */
  readonly objectness: boolean;
}

export const DEFAULT_LAYERS: LayerState = {
  proposals: false,
  preRegression: true,
  detections: true,
  suppressed: false,
  labels: true,
  rpnProposals: false,
  objectness: false,
};

export const DASH_PRE_REGRESSION: readonly number[] = [6, 4];
export const DASH_SUPPRESSED: readonly number[] = [2, 3];
export const DASH_ANCHOR: readonly number[] = [3, 3];

export interface SceneInput {
  readonly view: DetectionView | null;
  readonly proposals: readonly Box[];
  readonly layers: LayerState;
  /** Key of the hovered or selected detection (hover wins); its explanation is drawn even with its layers off. */
  readonly focusKey: string | null;
  /** The image's size in the boxes' pixels: with it, the proposals layer starts with their density map. */
  readonly imageSize?: { readonly width: number; readonly height: number };
  /** Indices of the best-scoring proposals (proposal_layer.ts topProposals), outlined brighter. */
  readonly topProposals?: readonly number[];
  /** The RPN's side of the proposals (result.rpn), when they came from one. */
  readonly rpn?: RpnExplanation;
}

export function formatScore(score: number): string {
  return score.toFixed(2);
}

export function buildScene(input: SceneInput): DrawnObject[] {
  const { view, layers } = input;
  const focus = findFocus(view, input.focusKey);
  const emphasisOf = (c: ViewCandidate): Emphasis => (focus == null ? 'normal' : relatedTo(c, focus) ? 'focused' : 'dimmed');
  const out: DrawnObject[] = [];
  if (layers.objectness && input.rpn) out.push(objectnessObject(input.rpn, focus));
  if (layers.proposals) out.push(...proposalObjects(input, focus));
  if (layers.rpnProposals && input.rpn) out.push(...rpnProposalObjects(input.proposals, input.rpn, focus));
  if (view == null) return out;
  for (const c of view.suppressed) {
    const related = focus != null && relatedTo(c, focus);
    if (layers.suppressed || related) out.push(suppressedObject(c, emphasisOf(c), layers.labels || related));
  }
  for (const c of view.detections) {
    if (layers.preRegression || c === focus) out.push(preRegressionObject(c, emphasisOf(c)));
  }
  if (focus != null && !view.detections.includes(focus)) out.push(preRegressionObject(focus, 'focused'));
  for (const c of view.detections) {
    const related = focus != null && relatedTo(c, focus);
    if (layers.detections || related) out.push(detectionObject(c, emphasisOf(c), layers.labels || related));
  }
  if (focus != null) out.push(...explanationObjects(focus, input.rpn));
  return out;
}

/**
 * The labelled objects in the order their labels pick a spot (label_placement.ts): the focused detection, the rest of
 * its explanation (what it suppressed, what suppressed it), the other detections, then everything else; scene order
 * (best first) within each. A crowd thus loses its least important labels, never the detection's own.
 */
export function labelOrder(scene: readonly DrawnObject[]): DrawnObject[] {
  const rank = (o: DrawnObject): number => (o.emphasis === 'focused' ? 0 : 2) + (o.kind === 'detection' ? 0 : 1);
  return scene.filter((o) => o.label != null).map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i).map((x) => x.o);
}

function findFocus(view: DetectionView | null, key: string | null): ViewCandidate | null {
  if (view == null || key == null) return null;
  return view.detections.find((c) => c.key === key) ?? view.suppressed.find((c) => c.key === key) ?? null;
}

/** The focused candidate itself, the box that suppressed it, or one it suppressed. */
function relatedTo(c: ViewCandidate, focus: ViewCandidate): boolean {
  return c === focus || c.key === focus.suppressedBy || c.suppressedBy === focus.key;
}

/**
 * The proposals layer: where the proposals crowd (a density map over the image), every proposal as a faint outline
 * (the more there are, the fainter each one: thousands would paint the image over), then the best-scoring ones
 * brighter on top.
 */
function proposalObjects(input: SceneInput, focus: ViewCandidate | null): DrawnObject[] {
  const { proposals, imageSize } = input;
  const out: DrawnObject[] = [];
  const dim = focus == null ? 1 : 0.5;
  const emphasis: Emphasis = focus == null ? 'normal' : 'dimmed';
  if (imageSize && proposals.length > 0) {
    const density = proposalDensity(proposals, imageSize, Math.max(imageSize.width, imageSize.height) / DENSITY_CELLS);
    out.push({
      kind: 'density', id: 'density:proposals', box: [0, 0, imageSize.width, imageSize.height], colour: DENSITY_COLOUR, dash: [],
      lineWidth: 0, alpha: 0.5 * dim, label: null, emphasis, density,
    });
  }
  const top = new Set(input.topProposals ?? []);
  const alpha = Math.min(0.35, 12 / Math.sqrt(Math.max(1, proposals.length)) / 10);
  const object = (i: number, isTop: boolean): DrawnObject => ({
    kind: 'proposal', id: `proposal:${i}`, box: proposals[i], colour: PROPOSAL_COLOUR, dash: [], lineWidth: 1,
    alpha: (isTop ? 0.75 : alpha) * dim, label: null, emphasis, ...(isTop ? { top: true } : {}),
  });
  proposals.forEach((_, i) => {
    if (!top.has(i)) out.push(object(i, false));
  });
  for (const i of input.topProposals ?? []) if (i >= 0 && i < proposals.length) out.push(object(i, true));
  return out;
}

function suppressedObject(c: ViewCandidate, emphasis: Emphasis, withLabel: boolean): DrawnObject {
  return {
    kind: 'suppressed', id: `suppressed:${c.key}`, box: c.box, colour: classColour(c.classId), dash: DASH_SUPPRESSED,
    lineWidth: 1.5, alpha: emphasis === 'focused' ? 0.95 : emphasis === 'dimmed' ? 0.2 : 0.6,
    label: withLabel ? `${c.className} ${formatScore(c.score)} (suppressed)` : null, emphasis,
  };
}

function preRegressionObject(c: ViewCandidate, emphasis: Emphasis): DrawnObject {
  return {
    kind: 'preRegression', id: `preRegression:${c.key}`, box: c.boxBeforeRegression, colour: classColour(c.classId),
    dash: DASH_PRE_REGRESSION, lineWidth: 1.5, alpha: emphasis === 'dimmed' ? 0.2 : 0.8, label: null, emphasis,
  };
}

function detectionObject(c: ViewCandidate, emphasis: Emphasis, withLabel: boolean): DrawnObject {
  return {
    kind: 'detection', id: `detection:${c.key}`, box: c.box, colour: classColour(c.classId), dash: [],
    lineWidth: emphasis === 'focused' ? 3 : 2, alpha: emphasis === 'dimmed' ? 0.3 : 1,
    label: withLabel ? `${c.className} ${formatScore(c.score)}` : null, emphasis,
  };
}

/** The RPN's objectness over its map: the density layer's drawing, in the RPN's colour. */
function objectnessObject(rpn: RpnExplanation, focus: ViewCandidate | null): DrawnObject {
  return {
    kind: 'density', id: 'density:objectness', box: rpn.heatmap.extent, colour: RPN_COLOUR, dash: [], lineWidth: 0,
    alpha: focus == null ? 0.45 : 0.25, label: null, emphasis: focus == null ? 'normal' : 'dimmed', density: objectnessGrid(rpn),
  };
}

/** The RPN's best proposals by objectness (proposal_layer.ts topByObjectness), best last so it is drawn on top. */
function rpnProposalObjects(proposals: readonly Box[], rpn: RpnExplanation, focus: ViewCandidate | null): DrawnObject[] {
  return topByObjectness(rpn).filter((i) => i < proposals.length).reverse().map((i) => ({
    kind: 'rpnProposal', id: `rpnProposal:${i}`, box: proposals[i], colour: RPN_COLOUR, dash: [], lineWidth: 1.5,
    alpha: (0.35 + 0.55 * rpn.objectness[i]) * (focus == null ? 1 : 0.4), label: null, emphasis: focus == null ? 'normal' : 'dimmed',
  }));
}

/**
 * The focused candidate's story: with an RPN, its anchor (dashed) and the RPN's corner-to-corner regression onto the
 * source proposal; then the head's regression from that proposal onto the final box.
 */
function explanationObjects(focus: ViewCandidate, rpn: RpnExplanation | undefined): DrawnObject[] {
  const anchor = rpn?.anchors[focus.proposalIndex];
  const fromAnchor: DrawnObject[] = anchor ? [
    {
      kind: 'anchor', id: `anchor:${focus.key}`, box: anchor.box, colour: RPN_COLOUR, dash: DASH_ANCHOR,
      lineWidth: 1.5, alpha: 0.9, label: null, emphasis: 'focused',
    },
    {
      kind: 'regression', id: `rpnRegression:${focus.key}`, box: anchor.box, to: focus.boxBeforeRegression,
      colour: RPN_COLOUR, dash: [], lineWidth: 1.2, alpha: 0.9, label: null, emphasis: 'focused',
    },
  ] : [];
  return [
    ...fromAnchor,
    {
      kind: 'regression', id: `regression:${focus.key}`, box: focus.boxBeforeRegression, to: focus.box,
      colour: classColour(focus.classId), dash: [], lineWidth: 1.5, alpha: 1, label: null, emphasis: 'focused',
    },
  ];
}
