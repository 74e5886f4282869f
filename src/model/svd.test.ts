import { describe, expect, test } from 'vitest';
import { multiply, relativeFrobeniusError, symmetricEigen, truncatedSvd } from './svd';

/** Deterministic pseudo-random normal numbers (Box–Muller over a LCG). */
function gaussian(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Float32Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

describe('symmetricEigen', () => {
  test('reconstructs a symmetric matrix with orthonormal vectors', () => {
    const n = 12;
    const b = gaussian(n * n, 1);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = b[i * n + j] + b[j * n + i];
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rebuilt = 0;
        let dot = 0;
        for (let k = 0; k < n; k++) {
          rebuilt += vectors[i * n + k] * values[k] * vectors[j * n + k];
          dot += vectors[k * n + i] * vectors[k * n + j];
        }
        expect(rebuilt).toBeCloseTo(a[i * n + j], 10);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
});

describe('truncatedSvd', () => {
  test('recovers a matrix of rank r exactly at rank r, tall and wide', () => {
    for (const [rows, cols] of [
      [60, 20],
      [20, 60],
    ]) {
      const r = 5;
      const w = multiply(gaussian(rows * r, 2), rows, r, gaussian(r * cols, 3), cols);
      const svd = truncatedSvd(w, rows, cols, r);
      expect(svd.left.length).toBe(rows * r);
      expect(svd.right.length).toBe(r * cols);
      expect(relativeFrobeniusError(w, multiply(svd.left, rows, r, svd.right, cols))).toBeLessThan(1e-5);
      expect(svd.singularValues[r] / svd.singularValues[0]).toBeLessThan(1e-4);
    }
  });

  test('the reconstruction error is the energy of the dropped singular values (Eckart–Young)', () => {
    const [rows, cols] = [90, 40];
    const w = gaussian(rows * cols, 4);
    let previous = Infinity;
    for (const rank of [1, 5, 10, 20, 39, 40]) {
      const svd = truncatedSvd(w, rows, cols, rank);
      const measured = relativeFrobeniusError(w, multiply(svd.left, rows, rank, svd.right, cols));
      expect(measured).toBeCloseTo(svd.relativeError, 5);
      expect(measured).toBeLessThan(previous);
      previous = measured;
    }
    expect(previous).toBeLessThan(1e-5);
  });

  test('puts the singular values in the first factor, as Caffe fc_L = Σ·Vᵀ', () => {
    const [rows, cols, rank] = [30, 10, 4];
    const svd = truncatedSvd(gaussian(rows * cols, 5), rows, cols, rank);
    // right = B_lᵀ has orthonormal rows
    for (let i = 0; i < rank; i++) {
      for (let j = 0; j < rank; j++) {
        let dot = 0;
        for (let k = 0; k < cols; k++) dot += svd.right[i * cols + k] * svd.right[j * cols + k];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
  });

  test('rejects a rank outside [1, min(rows, cols)]', () => {
    expect(() => truncatedSvd(new Float32Array(12), 3, 4, 4)).toThrow(RangeError);
    expect(() => truncatedSvd(new Float32Array(12), 3, 4, 0)).toThrow(RangeError);
  });
});
