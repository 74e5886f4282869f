/**
 * A dense, exhaustive-search style box set (paper §5.5): boxes over a geometric range of scales, a few aspect
 * ratios and a regular grid of positions, about 45,000 per image by default. With `targetCount` the grid step
 * (a fraction of the box's own width and height) is chosen so the set has close to that many boxes.
 * Dense boxes have no score, so they come in a seeded random order: any prefix is a uniform sample of the set
 * (all scales and positions), which is what a caller keeping the first k, or a top-k recall, should see.
 */
import { mulberry32 } from './rng';

export interface DenseBoxOptions {
  /** Side of the smallest square box, in pixels. */
  readonly minSize?: number;
  /** Ratio between consecutive scales (sqrt 2: two scales per octave). */
  readonly scaleStep?: number;
  /** Width / height ratios. */
  readonly aspectRatios?: readonly number[];
  /** Grid step as a fraction of the box's width (x) and height (y); overrides targetCount. */
  readonly stride?: number;
  /** Wanted number of boxes when `stride` is not given. */
  readonly targetCount?: number;
  /** Seed of the order; null keeps the grid order (scale, aspect ratio, then rows). */
  readonly shuffleSeed?: number | null;
}

export const DENSE_BOX_DEFAULTS = {
  minSize: 20,
  scaleStep: Math.SQRT2,
  aspectRatios: [1 / 3, 1 / 2, 1, 2, 3],
  targetCount: 45_000,
  shuffleSeed: 1,
} as const;

/** Packed [x1, y1, x2, y2] boxes, all inside [0, width] x [0, height], no duplicates. */
export function denseBoxes(width: number, height: number, options: DenseBoxOptions = {}): Float32Array {
  if (!(width > 0 && height > 0)) throw new Error(`denseBoxes needs a positive image size, got ${width}x${height}`);
  const shapes = boxShapes(width, height, options);
  const stride = options.stride ?? strideForCount(shapes, width, height, options.targetCount ?? DENSE_BOX_DEFAULTS.targetCount);
  if (!(stride > 0)) throw new Error(`denseBoxes stride must be positive, got ${stride}`);
  const out: number[] = [];
  const seen = new Set<number>();
  for (const [w, h] of shapes) {
    const xs = positions(width, w, stride);
    const ys = positions(height, h, stride);
    for (const y of ys) {
      for (const x of xs) {
        const key = ((Math.round(x) * (height + 1) + Math.round(y)) * (width + 1) + Math.round(w)) * (height + 1) + Math.round(h);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(x, y, x + w, y + h);
      }
    }
  }
  const boxes = Float32Array.from(out);
  const seed = options.shuffleSeed === undefined ? DENSE_BOX_DEFAULTS.shuffleSeed : options.shuffleSeed;
  return seed === null ? boxes : shuffleBoxes(boxes, seed);
}

/** Fisher-Yates over whole boxes. */
function shuffleBoxes(boxes: Float32Array, seed: number): Float32Array {
  const random = mulberry32(seed);
  const tmp = new Float32Array(4);
  for (let i = boxes.length / 4 - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    tmp.set(boxes.subarray(4 * i, 4 * i + 4));
    boxes.copyWithin(4 * i, 4 * j, 4 * j + 4);
    boxes.set(tmp, 4 * j);
  }
  return boxes;
}

/** Distinct (w, h) of every scale and aspect ratio, clipped to the image. */
function boxShapes(width: number, height: number, options: DenseBoxOptions): [number, number][] {
  const minSize = options.minSize ?? DENSE_BOX_DEFAULTS.minSize;
  const step = options.scaleStep ?? DENSE_BOX_DEFAULTS.scaleStep;
  const ratios = options.aspectRatios ?? DENSE_BOX_DEFAULTS.aspectRatios;
  if (!(minSize > 0) || !(step > 1)) throw new Error('denseBoxes needs minSize > 0 and scaleStep > 1');
  const shapes = new Map<string, [number, number]>();
  const largest = Math.max(width, height);
  for (let side = minSize; side <= largest * Math.SQRT2; side *= step) {
    for (const ratio of ratios) {
      const w = Math.min(width, Math.round(side * Math.sqrt(ratio)));
      const h = Math.min(height, Math.round(side / Math.sqrt(ratio)));
      if (w < 1 || h < 1) continue;
      shapes.set(`${w}x${h}`, [w, h]);
    }
  }
  return [...shapes.values()];
}

/** Evenly spread starts covering [0, extent - size], at most `stride * size` apart. */
function positions(extent: number, size: number, stride: number): number[] {
  const room = extent - size;
  if (room <= 0) return [0];
  const n = Math.ceil(room / Math.max(1, stride * size)) + 1;
  return Array.from({ length: n }, (_, i) => Math.round((i * room) / (n - 1)));
}

function countFor(shapes: readonly [number, number][], width: number, height: number, stride: number): number {
  let count = 0;
  for (const [w, h] of shapes) count += positions(width, w, stride).length * positions(height, h, stride).length;
  return count;
}

/** Bisects the stride (the count falls as the stride grows) to the one whose count is nearest the target. */
function strideForCount(shapes: readonly [number, number][], width: number, height: number, target: number): number {
  let lo = 1e-3;
  let hi = 4;
  for (let i = 0; i < 40; i++) {
    const mid = Math.sqrt(lo * hi);
    if (countFor(shapes, width, height, mid) > target) lo = mid;
    else hi = mid;
  }
  const countLo = countFor(shapes, width, height, lo);
  const countHi = countFor(shapes, width, height, hi);
  return Math.abs(countLo - target) < Math.abs(countHi - target) ? lo : hi;
}
