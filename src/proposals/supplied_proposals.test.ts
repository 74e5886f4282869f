import { describe, expect, it } from 'vitest';
import { ProposalValidationError, validateProposals } from './supplied_proposals';

const image = { width: 100, height: 50 };

describe('validateProposals', () => {
  it('accepts tuples, flat arrays and typed arrays, returning packed float32 boxes', () => {
    expect(Array.from(validateProposals([[0, 0, 100, 50], [10.5, 1, 20, 2]], image))).toEqual([0, 0, 100, 50, 10.5, 1, 20, 2]);
    expect(Array.from(validateProposals([1, 2, 3, 4], image))).toEqual([1, 2, 3, 4]);
    expect(validateProposals(new Float64Array(8).fill(1).map((v, i) => (i % 4 < 2 ? 1 : 2)), image).length).toBe(8);
    expect(validateProposals([], image).length).toBe(0);
  });

  it('names every bad box and why', () => {
    try {
      validateProposals([[0, 0, 10, 10], [5, 5, 5, 9], [0, 0, NaN, 3], [90, 40, 101, 50], [3, 8, 9, 2]], image);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProposalValidationError);
      const problems = (error as ProposalValidationError).problems;
      expect(problems).toEqual([
        'box 1: x2 (5) must be greater than x1 (5)',
        'box 2: coordinates must be finite numbers, got [0, 0, NaN, 3]',
        'box 3: [90, 40, 101, 50] is outside the 100x50 image',
        'box 4: y2 (2) must be greater than y1 (8)',
      ]);
    }
  });

  it('rejects malformed input with a clear message', () => {
    expect(() => validateProposals([1, 2, 3], image)).toThrow(/4 numbers per box, got 3/);
    expect(() => validateProposals([[1, 2, 3]], image)).toThrow(/box 0: expected \[x1, y1, x2, y2\]/);
    expect(() => validateProposals('boxes', image)).toThrow(/expected an array/);
  });

  it('reports at most ten problems and counts the rest', () => {
    const bad = Array.from({ length: 25 }, () => [5, 5, 1, 1]);
    expect(() => validateProposals(bad, image)).toThrow(/and 15 more/);
  });
});
