/**
 * Ranking of selective search boxes (paper §3.3 "Combining locations"). In each hierarchy, region i counts from
 * the top: i = 1 is the last merge (the whole image), i = 2 the one before, ... down to the initial regions.
 * Its score is v = RND * i, RND uniform in [0, 1], so large regions near the top tend to rank first while each
 * hierarchy still contributes small regions early. Boxes of all hierarchies are sorted by v ascending, and a box
 * found several times keeps its best (lowest) score, which is the paper's "remove duplicates after sorting".
 * RND is drawn from a generator seeded by (seed, hierarchy key), so the result does not depend on the order or
 * the worker in which hierarchies were built.
 */
import { hashString, mulberry32 } from './rng';
import type { Hierarchy } from './types';

interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** Unique boxes with a score each (lower ranks first); `found` counts how many times each box was produced. */
export interface ScoredBoxes {
  readonly boxes: Float32Array;
  readonly scores: Float64Array;
  readonly found: Uint32Array;
}

export interface RankingOptions {
  readonly seed: number;
  /** Boxes narrower or shorter than this many pixels are dropped (the paper's code drops width < 20). */
  readonly minBoxSize: number;
}

/** Scores every region of one hierarchy: v = RND * i. */
export function scoreHierarchy(hierarchy: Hierarchy, seed: number): Float64Array {
  const count = hierarchy.boxes.length / 4;
  const random = mulberry32(hashString(`${seed}:${hierarchy.key}`));
  const scores = new Float64Array(count);
  for (let j = 0; j < count; j++) scores[j] = random() * (count - j);
  return scores;
}

/** Scores all hierarchies and keeps each distinct box once, with its lowest score. */
export function scoreAndDeduplicate(hierarchies: readonly Hierarchy[], image: ImageSize, options: RankingOptions): ScoredBoxes {
  const parts = hierarchies.map((h) => ({ boxes: h.boxes, scores: scoreHierarchy(h, options.seed), found: undefined }));
  return deduplicate(parts, image, options.minBoxSize);
}

/** Merges scored lists (e.g. from several workers), keeping each distinct box once with its lowest score. */
export function mergeScoredBoxes(parts: readonly ScoredBoxes[], image: ImageSize): ScoredBoxes {
  return deduplicate(parts, image, 0);
}

interface ScoredPart {
  readonly boxes: Float32Array;
  readonly scores: Float64Array;
  readonly found: Uint32Array | undefined;
}

function deduplicate(parts: readonly ScoredPart[], image: ImageSize, minBoxSize: number): ScoredBoxes {
  const slotOf = new Map<number, number>();
  const boxes: number[] = [];
  const scores: number[] = [];
  const found: number[] = [];
  const w1 = image.width + 1;
  const h1 = image.height + 1;
  for (const part of parts) {
    const b = part.boxes;
    for (let j = 0, o = 0; o < b.length; j++, o += 4) {
      if (b[o + 2] - b[o] < minBoxSize || b[o + 3] - b[o + 1] < minBoxSize) continue;
      const key = ((b[o] * h1 + b[o + 1]) * w1 + b[o + 2]) * h1 + b[o + 3];
      const times = part.found ? part.found[j] : 1;
      const slot = slotOf.get(key);
      if (slot === undefined) {
        slotOf.set(key, scores.length);
        boxes.push(b[o], b[o + 1], b[o + 2], b[o + 3]);
        scores.push(part.scores[j]);
        found.push(times);
      } else {
        if (part.scores[j] < scores[slot]) scores[slot] = part.scores[j];
        found[slot] += times;
      }
    }
  }
  return { boxes: Float32Array.from(boxes), scores: Float64Array.from(scores), found: Uint32Array.from(found) };
}

/** Boxes in rank order (ascending score; ties broken by box coordinates so the order is total). */
export function sortByScore(scored: ScoredBoxes): Float32Array {
  const { boxes, scores } = scored;
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((i, j) => scores[i] - scores[j] || compareBoxes(boxes, i, j));
  const out = new Float32Array(boxes.length);
  order.forEach((src, dst) => out.set(boxes.subarray(4 * src, 4 * src + 4), 4 * dst));
  return out;
}

function compareBoxes(boxes: Float32Array, i: number, j: number): number {
  for (let c = 0; c < 4; c++) {
    const d = boxes[4 * i + c] - boxes[4 * j + c];
    if (d !== 0) return d;
  }
  return 0;
}
