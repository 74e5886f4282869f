/**
 * Selective search (Uijlings et al., IJCV 2013) on one thread. The work is split by colour space
 * (`runColorSpaceJob`) so that workers can share it out; `selectiveSearch` runs every job here and ranks.
 *
 * Per colour space:
 *  1. convert RGBA to the space, smooth with FH's Gaussian, build and sort the pixel graph once;
 *  2. texture codes once, from the smoothed planes (every k and similarity set reads them);
 *  3. per k: segment (FH), region sizes/boxes/adjacency, initial histograms;
 *  4. per similarity set: hierarchical grouping, giving one hierarchy of boxes.
 */
import { toColorSpace } from './color_space';
import { segmentGraph } from './felzenszwalb';
import { gaussianBlur } from './gaussian_filter';
import { buildSortedEdges } from './graph_edges';
import { groupHierarchically } from './hierarchical_grouping';
import { colorHistograms, textureHistograms } from './histograms';
import type { ColorSpaceJob, SelectiveSearchConfig } from './modes';
import { jobsOf, resolveConfig } from './modes';
import { scoreAndDeduplicate, sortByScore } from './ranking';
import { computeRegionStats } from './region_stats';
import { histogramsNeeded } from './similarity';
import { computeTextureCodes } from './texture';
import type { Hierarchy, ImageDataLike, SelectiveSearchMode } from './types';

/** Called after each unit of work with (units done, units in this job). */
export type JobProgress = (done: number, total: number) => void;

export function jobUnits(job: ColorSpaceJob): number {
  return 1 + job.config.ks.length * (1 + job.config.similaritySets.length);
}

export function runColorSpaceJob(image: ImageDataLike, job: ColorSpaceJob, onProgress?: JobProgress): Hierarchy[] {
  const { config, colorSpace } = job;
  const { width, height } = image;
  const total = jobUnits(job);
  let done = 0;
  const tick = () => onProgress?.(++done, total);

  // 1-2. Shared by every k and similarity set of this colour space.
  const planar = toColorSpace(image, colorSpace);
  const smoothed = planar.channels.map((plane) => gaussianBlur(plane, width, height, config.sigma));
  const edges = buildSortedEdges(smoothed, width, height, config.connectivity);
  const needColor = config.similaritySets.some((s) => histogramsNeeded(s).color);
  const needTexture = config.similaritySets.some((s) => histogramsNeeded(s).texture);
  const texture = needTexture ? computeTextureCodes({ width, height, channels: smoothed }) : undefined;
  tick();

  const hierarchies: Hierarchy[] = [];
  for (const k of config.ks) {
    // 3. One segmentation per k.
    const seg = segmentGraph(edges, width, height, { k, minSize: k * config.minSizeFactor });
    const stats = computeRegionStats(seg);
    const color = needColor ? colorHistograms(planar, seg.labels, seg.count) : undefined;
    const textureTable = texture ? textureHistograms(texture, seg.labels, seg.count) : undefined;
    tick();
    // 4. One hierarchy per similarity set.
    for (const set of config.similaritySets) {
      const boxes = groupHierarchically({ stats, imageArea: width * height, color, texture: textureTable }, set);
      hierarchies.push({ key: `${colorSpace}/k${k}/${set}`, boxes });
      tick();
    }
  }
  return hierarchies;
}

export interface SelectiveSearchOptions extends Partial<SelectiveSearchConfig> {
  readonly mode?: SelectiveSearchMode;
  readonly onProgress?: (fraction: number) => void;
}

/** Ranked proposals, packed [x1,y1,x2,y2] in continuous pixels, best first. */
export function selectiveSearch(image: ImageDataLike, options: SelectiveSearchOptions = {}): Float32Array {
  const { mode = 'fast', onProgress, ...overrides } = options;
  const config = resolveConfig(mode, overrides);
  const jobs = jobsOf(config);
  const totalUnits = jobs.reduce((sum, job) => sum + jobUnits(job), 0);
  let finished = 0;
  const hierarchies = jobs.flatMap((job) => {
    const out = runColorSpaceJob(image, job, (done) => onProgress?.((finished + done) / totalUnits));
    finished += jobUnits(job);
    return out;
  });
  const scored = scoreAndDeduplicate(hierarchies, image, config);
  return sortByScore(scored);
}
