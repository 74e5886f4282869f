/**
 * Shares colour-space jobs between workers so that they finish at about the same time: longest job first, each
 * to the least loaded worker. A job's cost is estimated from its channels and number of segmentations and
 * hierarchies (measured: a hierarchy costs about as much as a segmentation; both scale with channels).
 */
import { COLOR_SPACE_CHANNELS } from './color_space';
import type { ColorSpaceJob } from './modes';

export function estimateJobCost(job: ColorSpaceJob): number {
  const channels = COLOR_SPACE_CHANNELS[job.colorSpace];
  const { ks, similaritySets } = job.config;
  return (1 + channels) * (1 + ks.length) + ks.length * similaritySets.length;
}

/** At most `workers` non-empty groups. */
export function splitJobs(jobs: readonly ColorSpaceJob[], workers: number): ColorSpaceJob[][] {
  const count = Math.max(1, Math.min(Math.floor(workers), jobs.length));
  const groups: ColorSpaceJob[][] = Array.from({ length: count }, () => []);
  const load = new Float64Array(count);
  const ordered = [...jobs].sort((a, b) => estimateJobCost(b) - estimateJobCost(a));
  for (const job of ordered) {
    let best = 0;
    for (let g = 1; g < count; g++) if (load[g] < load[best]) best = g;
    groups[best].push(job);
    load[best] += estimateJobCost(job);
  }
  return groups.filter((g) => g.length > 0);
}
