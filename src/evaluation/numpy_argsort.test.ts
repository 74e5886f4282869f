import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { numpyArgsort } from './numpy_argsort';

// Expected permutations were produced by numpy 2.4 `np.argsort(x)` on its scalar code path
// (NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR", which turns off the SIMD sorts).
describe('numpyArgsort', () => {
  it("reproduces numpy's order of ties on a 40-element array (quicksort partitions)", () => {
    const x = [5, 3, 4, 5, 3, 4, 5, 1, 0, 1, 1, 5, 5, 0, 2, 4, 0, 4, 0, 2, 4, 1, 2, 1, 4, 1, 5, 2, 2, 3, 3, 3, 3, 5, 4, 4, 4, 3, 2, 5];
    const numpy = [16, 8, 18, 13, 25, 23, 21, 7, 9, 10, 28, 27, 22, 38, 19, 14, 4, 30, 29, 1, 37, 32, 31, 5, 20, 24, 35, 2, 34, 17, 36, 15, 33, 0, 12, 11, 6, 3, 26, 39];
    expect(Array.from(numpyArgsort(x))).toEqual(numpy);
  });

  it('reproduces the heapsort fallback on a median-of-3 killer input (McIlroy adversary, with ties)', () => {
    const x = [0, 23, 1, 22, 2, 21, 3, 21, 4, 20, 5, 20, 6, 19, 7, 19, 8, 18, 9, 18, 10, 11, 24, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 17, 16, 16, 15, 15, 14, 14, 13, 13, 12, 12, 22, 11];
    const numpy = [0, 23, 2, 24, 4, 25, 6, 26, 8, 27, 10, 28, 12, 29, 14, 30, 16, 31, 18, 32, 20, 33, 47, 21, 45, 44, 43, 42, 41, 40, 39, 38, 36, 37, 35, 34, 19, 17, 15, 13, 9, 11, 7, 5, 3, 46, 1, 22];
    expect(Array.from(numpyArgsort(x))).toEqual(numpy);
  });

  it('is a sorting permutation, with NaN last, for any input', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(Number.NaN)), { maxLength: 300 }), (x) => {
        const order = Array.from(numpyArgsort(x));
        expect([...order].sort((a, b) => a - b)).toEqual(x.map((_, i) => i));
        const sorted = order.map((i) => x[i]);
        const numbers = sorted.filter((v) => !Number.isNaN(v));
        expect(sorted.slice(0, numbers.length)).toEqual(numbers);
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      }),
    );
  });

  it('handles tiny inputs', () => {
    expect(Array.from(numpyArgsort([]))).toEqual([]);
    expect(Array.from(numpyArgsort([3]))).toEqual([0]);
    expect(Array.from(numpyArgsort([2, 1]))).toEqual([1, 0]);
  });
});
