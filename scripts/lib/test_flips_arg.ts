/** `--test-flips` of train and eval: "none", or a comma-separated list of h, v and hv (src/model/test_flips.ts). */
import type { Flip } from '../../src/geometry/flip';

const NAMES: readonly Flip[] = ['h', 'v', 'hv'];

export function parseTestFlips(text: string): Flip[] {
  if (text === 'none' || text === '') return [];
  const flips = text.split(',').map((part) => part.trim());
  const bad = flips.filter((flip) => !NAMES.includes(flip as Flip));
  if (bad.length) throw new Error(`--test-flips: unknown flip ${bad.join(', ')}; use none, or a list of h, v, hv (e.g. h or h,v,hv)`);
  return [...new Set(flips as Flip[])];
}
