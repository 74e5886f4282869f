/**
 * Colour statistics of an image, and how far they sit from a training set's: the Detect tab's honest "this image is
 * unlike what the model was trained on" signal. A detector's scores say nothing about that (the blood-cell model
 * scores a raccoon photo "WBC 0.99"), but microscope slides and outdoor photos differ plainly in colour and contrast.
 *
 * Both sides are measured the same way: the whole image drawn into a STATS_SIDE × STATS_SIDE RGBA grid (the page and
 * scripts/model_domain_stats.ts both let Chromium's drawImage do that), then per channel the mean and the standard
 * deviation of its pixels, 0-255.
 */

/** The side of the grid an image is drawn into before its statistics are taken. */
export const STATS_SIDE = 64;

/** [mean R, mean G, mean B, std R, std G, std B], 0-255. */
export type ImageStatistics = readonly [number, number, number, number, number, number];

export const STATISTIC_NAMES: readonly string[] = ['mean red', 'mean green', 'mean blue', 'red contrast', 'green contrast', 'blue contrast'];

/** A training set's statistics: per feature, the mean and spread over its images. */
export interface DomainStatistics {
  readonly images: number;
  readonly mean: ImageStatistics;
  readonly std: ImageStatistics;
}

/** Statistics of RGBA pixels (alpha ignored). */
export function imageStatistics(rgba: ArrayLike<number>): ImageStatistics {
  const pixels = Math.floor(rgba.length / 4);
  if (pixels === 0) throw new Error('imageStatistics: no pixels');
  const sum = [0, 0, 0];
  const squares = [0, 0, 0];
  for (let o = 0; o < pixels * 4; o += 4) {
    for (let c = 0; c < 3; c++) {
      sum[c] += rgba[o + c];
      squares[c] += rgba[o + c] * rgba[o + c];
    }
  }
  const mean = sum.map((s) => s / pixels);
  const std = squares.map((s, c) => Math.sqrt(Math.max(0, s / pixels - mean[c] * mean[c])));
  return [mean[0], mean[1], mean[2], std[0], std[1], std[2]];
}

/** The mean and spread of each feature over a set of images. */
export function domainStatistics(images: readonly ImageStatistics[]): DomainStatistics {
  if (images.length < 2) throw new Error(`domainStatistics: needs at least 2 images, got ${images.length}`);
  const mean = [0, 1, 2, 3, 4, 5].map((k) => images.reduce((s, x) => s + x[k], 0) / images.length);
  const std = mean.map((m, k) => Math.sqrt(images.reduce((s, x) => s + (x[k] - m) ** 2, 0) / (images.length - 1)));
  return { images: images.length, mean: mean as unknown as ImageStatistics, std: std as unknown as ImageStatistics };
}

/**
 * How far an image's statistics are from a domain's: the largest |z| over the features, and which feature.
 * A spread is floored at MIN_SPREAD (0-255 units), so a training set of near-identical images does not make every
 * small difference look huge.
 */
export function domainDistance(image: ImageStatistics, domain: DomainStatistics): { readonly z: number; readonly feature: string } {
  let best = { z: 0, feature: STATISTIC_NAMES[0] };
  for (let k = 0; k < 6; k++) {
    const z = Math.abs(image[k] - domain.mean[k]) / Math.max(MIN_SPREAD, domain.std[k]);
    if (z > best.z) best = { z, feature: STATISTIC_NAMES[k] };
  }
  return best;
}

export const MIN_SPREAD = 2;

/** Checks a domain read from a manifest; null (with no error) when absent, an error naming the field when malformed. */
export function parseDomainStatistics(value: unknown, where: string): DomainStatistics | null {
  if (value == null) return null;
  const v = value as Partial<Record<keyof DomainStatistics, unknown>>;
  const six = (x: unknown): x is ImageStatistics => Array.isArray(x) && x.length === 6 && x.every((n) => typeof n === 'number' && Number.isFinite(n));
  if (typeof v.images !== 'number' || !six(v.mean) || !six(v.std)) {
    throw new Error(`${where}: imageStatistics needs {images: number, mean: 6 numbers, std: 6 numbers}`);
  }
  return { images: v.images, mean: v.mean, std: v.std };
}
