import { describe, expect, it } from 'vitest';
import { classColour, DENSITY_COLOUR, RPN_COLOUR } from './colours';
import { formatCount, legendEntries } from './legend';
import { DEFAULT_LAYERS } from './scene';

describe('legendEntries', () => {
  it('each class in its drawing colour, then the layers shown', () => {
    const entries = legendEntries({ classNames: ['Platelets', 'RBC', 'WBC'], layers: DEFAULT_LAYERS, proposals: 2000, topProposals: 20 });
    expect(entries.slice(0, 3)).toEqual([
      { kind: 'class', name: 'Platelets', colour: classColour(1) },
      { kind: 'class', name: 'RBC', colour: classColour(2) },
      { kind: 'class', name: 'WBC', colour: classColour(3) },
    ]);
    expect(entries.slice(3).map((e) => e.kind === 'layer' && e.text)).toEqual(['detections', 'before regression']);
  });

  it('the proposals layer with its count', () => {
    const entries = legendEntries({ classNames: [], layers: { ...DEFAULT_LAYERS, proposals: true, suppressed: true }, proposals: 2000, topProposals: 20 });
    expect(entries.at(-1)).toEqual({ kind: 'layer', layer: 'proposals', text: '2,000 proposals (shaded where they crowd; the 20 best outlined)', colour: DENSITY_COLOUR, dash: [] });
    expect(entries.map((e) => e.kind === 'layer' && e.layer)).toContain('suppressed');
    expect(legendEntries({ classNames: [], layers: { ...DEFAULT_LAYERS, proposals: true }, proposals: null, topProposals: 20 }).some((e) => e.kind === 'layer' && e.layer === 'proposals')).toBe(false);
  });

  it('labels left out for room are counted', () => {
    expect(legendEntries({ classNames: [], layers: DEFAULT_LAYERS, proposals: null, topProposals: 20, labelsLeftOut: 3 }).at(-1))
      .toEqual({ kind: 'note', text: '3 labels left out for room' });
    expect(legendEntries({ classNames: [], layers: DEFAULT_LAYERS, proposals: null, topProposals: 20, labelsLeftOut: 0 }).some((e) => e.kind === 'note')).toBe(false);
  });

  it("the RPN's layers are listed when they are on and the result has RPN proposals", () => {
    const layers = { ...DEFAULT_LAYERS, rpnProposals: true, objectness: true };
    const rpn = legendEntries({ classNames: [], layers, proposals: 300, topProposals: 20, rpnProposals: 20 }).filter((e) => e.kind === 'layer' && e.colour === RPN_COLOUR);
    expect(rpn.map((e) => e.kind === 'layer' && [e.layer, e.text])).toEqual([
      ['rpnProposals', 'the 20 best RPN proposals by objectness'], ['objectness', 'RPN objectness (shaded where it expects an object)'],
    ]);
    expect(legendEntries({ classNames: [], layers, proposals: 2000, topProposals: 20, rpnProposals: null }).some((e) => e.kind === 'layer' && e.colour === RPN_COLOUR)).toBe(false);
  });

  it('formatCount groups thousands', () => {
    expect(formatCount(1999)).toBe('1,999');
    expect(formatCount(7)).toBe('7');
  });
});
