import { describe, expect, it } from 'vitest';
import { voteBox } from './box_voting';
import type { ClassCandidate } from './detection_types';

const candidate = (box: [number, number, number, number], score: number, proposalIndex = 0): ClassCandidate => ({ box, score, proposalIndex });

describe('voteBox', () => {
  it('averages the overlapping candidates, weighted by score', () => {
    const kept: [number, number, number, number] = [0, 0, 10, 10];
    const voted = voteBox(kept, [candidate(kept, 0.9), candidate([1, 1, 11, 11], 0.3)], 0.5);
    [0.25, 0.25, 10.25, 10.25].forEach((v, k) => expect(voted[k]).toBeCloseTo(v, 12));
  });
  it('ignores candidates below the IoU threshold', () => {
    const kept: [number, number, number, number] = [0, 0, 10, 10];
    expect(voteBox(kept, [candidate(kept, 0.9), candidate([5, 5, 15, 15], 0.9)], 0.5)).toEqual([0, 0, 10, 10]);
  });
  it('keeps the box when nothing votes', () => {
    expect(voteBox([0, 0, 10, 10], [], 0.5)).toEqual([0, 0, 10, 10]);
  });
});
