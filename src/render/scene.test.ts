import { describe, expect, it } from 'vitest';
import { detectionResultFixture } from './testing/detection_result';
import { detectionView, type DetectionView } from './detection_view';
import { buildScene, DASH_PRE_REGRESSION, DEFAULT_LAYERS, labelOrder, type LayerState } from './scene';
import { classColour } from './colours';
import { topProposals } from './proposal_layer';

function view(scoreThreshold = 0.5): DetectionView {
  return detectionView(detectionResultFixture(), { scoreThreshold, nmsIouThreshold: 0.5 });
}

const ALL_ON: LayerState = { proposals: true, preRegression: true, detections: true, suppressed: true, labels: true };
const ALL_OFF: LayerState = { proposals: false, preRegression: false, detections: false, suppressed: false, labels: false };
const proposals = detectionResultFixture().proposals;

function kinds(objects: { kind: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  return counts;
}

describe('buildScene', () => {
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
