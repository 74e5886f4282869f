import { describe, expect, it } from 'vitest';
import { detectionResultFixture } from './testing/detection_result';
import { detectionView, type DetectionView } from './detection_view';
import { buildScene, DASH_PRE_REGRESSION, DEFAULT_LAYERS, labelOrder, type LayerState } from './scene';
import type { RpnExplanation } from '../model/detection_types';
import { classColour, RPN_COLOUR } from './colours';
import { RPN_TOP_PROPOSALS, topByObjectness, topProposals } from './proposal_layer';

function view(scoreThreshold = 0.5): DetectionView {
  return detectionView(detectionResultFixture(), { scoreThreshold, nmsIouThreshold: 0.5 });
}

const ALL_ON: LayerState = { proposals: true, preRegression: true, detections: true, suppressed: true, labels: true, rpnProposals: true, objectness: true };
const ALL_OFF: LayerState = { proposals: false, preRegression: false, detections: false, suppressed: false, labels: false, rpnProposals: false, objectness: false };
const proposals = detectionResultFixture().proposals;

function kinds(objects: { kind: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return counts;
}

/** An RPN explanation of the fixture's proposals: objectness falling with the index but for #5 (the best), anchors 4 px larger. */
function rpnOf(count: number): RpnExplanation {
  const boxes = detectionResultFixture().proposals.slice(0, count);
  return {
    objectness: boxes.map((_, i) => (i === 5 ? 0.99 : 0.9 - i / 100)),
    anchors: boxes.map((b, i) => ({ box: [b[0] - 4, b[1] - 4, b[2] + 4, b[3] + 4] as const, side: 64, ratio: 1, row: i, col: 2 })),
    deltas: boxes.map(() => [0, 0, -0.05, -0.05] as const),
    heatmap: { rows: 2, cols: 3, cells: [0.1, 0.2, 0.3, 0.4, 0.5, 0.99], extent: [0, 0, 480, 320] },
  };
}

describe('buildScene', () => {
  it("an RPN result: the objectness heatmap first, the 20 best proposals by objectness, and a focused detection's anchor and RPN regression", () => {
    const rpn = rpnOf(proposals.length);
    const layers = { ...ALL_OFF, rpnProposals: true, objectness: true };
    const scene = buildScene({ view: view(), proposals, layers, focusKey: null, rpn });
    expect(scene[0]).toMatchObject({ kind: 'density', id: 'density:objectness', box: [0, 0, 480, 320], colour: RPN_COLOUR });
    expect(scene[0].density).toMatchObject({ rows: 2, cols: 3, max: 0.99 });
    expect(scene[0].density!.cells[5]).toBe(1);
    expect(scene[0].density!.cells[0]).toBeCloseTo(0.1 / 0.99, 6);
    const outlined = scene.filter((o) => o.kind === 'rpnProposal');
    expect(outlined).toHaveLength(RPN_TOP_PROPOSALS);
    // best drawn last (on top): #5, then 0, 1, 2, …
    expect(outlined.at(-1)).toMatchObject({ id: 'rpnProposal:5', box: proposals[5] });
    expect(outlined.map((o) => o.id).sort()).toEqual(topByObjectness(rpn).map((i) => `rpnProposal:${i}`).sort());
    expect(topByObjectness(rpn).slice(0, 3)).toEqual([5, 0, 1]);
    // the same layers without an RPN draw nothing
    expect(buildScene({ view: view(), proposals, layers, focusKey: null })).toEqual([]);
    const focused = buildScene({ view: view(), proposals, layers: ALL_OFF, focusKey: '1:0', rpn });
    const pre = focused.find((o) => o.id === 'preRegression:1:0')!;
    expect(focused.map((o) => o.id).slice(-3)).toEqual(['anchor:1:0', 'rpnRegression:1:0', 'regression:1:0']);
    const anchor = focused.find((o) => o.id === 'anchor:1:0')!;
    expect(anchor.box).toEqual([pre.box[0] - 4, pre.box[1] - 4, pre.box[2] + 4, pre.box[3] + 4]);
    expect(focused.find((o) => o.id === 'rpnRegression:1:0')).toMatchObject({ box: anchor.box, to: pre.box });
  });


  it('draws every layer in order: proposals, suppressed, before regression, detections', () => {
    const scene = buildScene({ view: view(), proposals, layers: ALL_ON, focusKey: null });
    expect(kinds(scene)).toEqual({ proposal: 30, suppressed: 1, preRegression: 2, detection: 2 });
    const order = ['proposal', 'suppressed', 'preRegression', 'detection'];
    const ranks = scene.map((o) => order.indexOf(o.kind));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('a detection is solid in its class colour with label and score; before regression it is dashed', () => {
    const scene = buildScene({ view: view(), proposals, layers: DEFAULT_LAYERS, focusKey: null });
    const wbc = scene.find((o) => o.id === 'detection:2:0');
    expect(wbc).toMatchObject({ box: [305, 55, 418, 172], colour: classColour(2), dash: [], label: 'WBC 0.97' });
    const pre = scene.find((o) => o.id === 'preRegression:2:0');
    expect(pre).toMatchObject({ box: [300, 50, 420, 170], dash: DASH_PRE_REGRESSION, label: null });
  });

  it('turning layers off removes their objects; labels can be hidden', () => {
    expect(buildScene({ view: view(), proposals, layers: ALL_OFF, focusKey: null })).toEqual([]);
    const noLabels = buildScene({ view: view(), proposals, layers: { ...DEFAULT_LAYERS, labels: false }, focusKey: null });
    expect(noLabels.every((o) => o.label === null)).toBe(true);
  });

  it('focusing a detection draws its source proposal and regression even with those layers off, and dims the rest', () => {
    const scene = buildScene({ view: view(), proposals, layers: ALL_OFF, focusKey: '1:0' });
    expect(scene.map((o) => o.id)).toEqual(['suppressed:1:1', 'preRegression:1:0', 'detection:1:0', 'regression:1:0']);
    expect(scene.find((o) => o.kind === 'regression')).toMatchObject({ box: [100, 100, 200, 200], to: [105, 102, 205, 204] });
    const all = buildScene({ view: view(), proposals, layers: ALL_ON, focusKey: '1:0' });
    expect(all.find((o) => o.id === 'detection:2:0')?.emphasis).toBe('dimmed');
    expect(all.find((o) => o.id === 'suppressed:1:1')?.emphasis).toBe('focused');
  });

  it('focusing a suppressed candidate shows which kept box suppressed it', () => {
    const scene = buildScene({ view: view(), proposals, layers: ALL_OFF, focusKey: '1:1' });
    expect(scene.map((o) => [o.id, o.emphasis])).toEqual([
      ['suppressed:1:1', 'focused'],
      ['preRegression:1:1', 'focused'],
      ['detection:1:0', 'focused'],
      ['regression:1:1', 'focused'],
    ]);
  });

  it('without a result only proposals can be drawn', () => {
    expect(buildScene({ view: null, proposals: [], layers: ALL_ON, focusKey: null })).toEqual([]);
  });
});

describe('the proposals layer', () => {
  const result = detectionResultFixture();
  const input = { view: view(), proposals, layers: { ...ALL_OFF, proposals: true }, focusKey: null };

  it('with the image size: a density map under every outline, and the best-scoring proposals outlined brighter on top', () => {
    const top = topProposals(result, 3);
    const scene = buildScene({ ...input, imageSize: { width: result.imageWidth, height: result.imageHeight }, topProposals: top });
    expect(kinds(scene)).toEqual({ density: 1, proposal: 30 });
    expect(scene[0].kind).toBe('density');
    expect(scene[0].density!.max).toBeGreaterThan(1);
    const outlined = scene.filter((o) => o.top);
    expect(outlined.map((o) => o.id)).toEqual(top.map((i) => `proposal:${i}`));
    expect(scene.slice(-3)).toEqual(outlined); // drawn last
    const faint = scene.find((o) => o.kind === 'proposal' && !o.top)!;
    expect(outlined[0].alpha).toBeGreaterThan(faint.alpha * 3);
  });

  it('without the image size: outlines only', () => {
    expect(kinds(buildScene(input))).toEqual({ proposal: 30 });
  });
});

describe('labelOrder', () => {
  it('the focused detection’s label first, then its explanation, then the other detections, then the rest', () => {
    const all = buildScene({ view: view(0.05), proposals, layers: ALL_ON, focusKey: '1:0' });
    // the scene lists suppressed candidates before detections: the focused detection's label must still come first
    expect(labelOrder(all).map((o) => o.id)).toEqual(['detection:1:0', 'suppressed:1:1', 'detection:2:0', 'detection:1:2', 'detection:3:0']);
  });

  it('without focus: detections best first, then suppressed candidates', () => {
    const order = labelOrder(buildScene({ view: view(), proposals, layers: ALL_ON, focusKey: null })).map((o) => o.kind);
    expect(order).toEqual(['detection', 'detection', 'suppressed']);
  });
});
