import { describe, expect, it } from 'vitest';
import { candidateSpots, placeLabels, rectsOverlap, type LabelRequest } from './label_placement';

const VIEW = { width: 400, height: 300 };
const label = (anchor: [number, number, number, number], width = 60): LabelRequest => ({ anchor, width, height: 17 });

describe('placeLabels', () => {
  it('puts a lone label above its box’s top-left corner', () => {
    expect(placeLabels([label([100, 100, 200, 200])], VIEW)).toEqual([[100, 83, 60, 17]]);
  });

  it('a box at the top edge gets its label inside the box, and a label never leaves the view', () => {
    expect(placeLabels([label([10, 0, 80, 50])], VIEW)).toEqual([[10, 0, 60, 17]]);
    expect(placeLabels([label([380, 100, 399, 150])], VIEW)[0]![0]).toBe(340); // pulled left inside the view
  });

  it('a pile of identical boxes gets labels that do not overlap, and the rest are left out, not stacked', () => {
    const requests = Array.from({ length: 12 }, () => label([100, 100, 250, 200]));
    const rects = placeLabels(requests, VIEW);
    const placed = rects.filter((r) => r !== null);
    expect(placed.length).toBe(8); // 4 heights × left and right corners
    for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) expect(rectsOverlap(placed[i], placed[j])).toBe(false);
    expect(rects.slice(8)).toEqual([null, null, null, null]);
  });

  it('earlier requests win the best spot (the caller orders by importance)', () => {
    const [first, second] = placeLabels([label([100, 100, 200, 200]), label([100, 100, 200, 200])], VIEW);
    expect(first).toEqual([100, 83, 60, 17]);
    expect(second).toEqual([100, 100, 60, 17]);
  });

  it('neighbouring boxes whose top labels would collide: the second moves inside its box', () => {
    const rects = placeLabels([label([100, 100, 150, 200], 80), label([140, 100, 220, 200], 80)], VIEW);
    expect(rects[0]).toEqual([100, 83, 80, 17]);
    expect(rectsOverlap(rects[0]!, rects[1]!)).toBe(false);
  });

  it('a view too small for the label has no spot', () => {
    expect(candidateSpots(label([0, 0, 10, 10]), { width: 50, height: 10 })).toEqual([]);
  });
});
