import { describe, expect, it } from 'vitest';
import type { Box } from '../geometry/box';
import { proposalDensity, topProposals } from './proposal_layer';

/** The same count by brute force: boxes covering each cell's centre. */
function bruteForce(boxes: readonly Box[], width: number, height: number, cols: number, rows: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = ((c + 0.5) * width) / cols;
      const y = ((r + 0.5) * height) / rows;
      out.push(boxes.filter(([x1, y1, x2, y2]) => x >= x1 && x <= x2 && y >= y1 && y <= y2).length);
    }
  }
  return out;
}

describe('proposalDensity', () => {
  it('counts the boxes covering each cell centre, scaled by the busiest cell', () => {
    const boxes: Box[] = [[0, 0, 100, 100], [0, 0, 50, 50], [60, 60, 100, 100]];
    const grid = proposalDensity(boxes, { width: 100, height: 100 }, 25);
    expect([grid.cols, grid.rows, grid.max]).toEqual([4, 4, 2]);
    expect(grid.cells.map((v) => v * grid.max)).toEqual(bruteForce(boxes, 100, 100, 4, 4));
    expect(grid.cells[0]).toBe(1); // top-left: both boxes there
  });

  it('agrees with brute force on random boxes', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const boxes: Box[] = Array.from({ length: 500 }, () => {
      const x = random() * 640;
      const y = random() * 480;
      return [x, y, Math.min(640, x + random() * 300), Math.min(480, y + random() * 200)];
    });
    const grid = proposalDensity(boxes, { width: 640, height: 480 }, 20);
    expect([grid.cols, grid.rows]).toEqual([32, 24]);
    const expected = bruteForce(boxes, 640, 480, 32, 24);
    expect(grid.cells.map((v) => Math.round(v * grid.max))).toEqual(expected);
  });

  it('no boxes: an empty map; the grid is capped per side', () => {
    const grid = proposalDensity([], { width: 10000, height: 50 }, 10);
    expect(grid.max).toBe(0);
    expect([grid.cols, grid.rows]).toEqual([96, 5]);
    expect(grid.cells.every((v) => v === 0)).toBe(true);
  });
});

describe('topProposals', () => {
  it('ranks proposals by their best candidate score over all classes', () => {
    const candidates = (pairs: [number, number][]) => pairs.map(([proposalIndex, score]) => ({ proposalIndex, score, box: [0, 0, 1, 1] as Box }));
    const result = {
      candidatesPerClass: [
        { classId: 1, className: 'a', candidates: candidates([[3, 0.2], [5, 0.9]]), keptIndices: [] },
        { classId: 2, className: 'b', candidates: candidates([[3, 0.95], [7, 0.1]]), keptIndices: [] },
      ],
    };
    expect(topProposals(result)).toEqual([3, 5, 7]);
    expect(topProposals(result, 2)).toEqual([3, 5]);
  });
});
