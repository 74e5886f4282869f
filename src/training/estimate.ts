/**
 * A rough estimate of a fine-tuning run's time and memory, shown before it starts and used by the recipe
 * (recipe.ts) to fit the iterations into a time budget. Pure arithmetic on rates measured with `npm run train` on a
 * 2-core machine, wasm on 2 threads, the last conv layer learning (the shipped raccoon and BCCD runs of 2026-11-25:
 * proposals 0.12-0.17 s per image, features about 0.3 s per megapixel of input, 0.30-0.35 s per iteration, held-out
 * evaluation 0.3 s per image), scaled by image area. When the page has finished a run on this machine, the measured
 * rates (MeasuredRates) replace the defaults.
 */

export interface EstimateInput {
  /** Sizes of the training images (each also trained mirrored when `flipped`, upside down when `verticalFlips`) and of the held-out images. */
  readonly train: readonly { width: number; height: number }[];
  readonly test: readonly { width: number; height: number }[];
  readonly iterations: number;
  /** Shortest side of the training image (TrainConfig.scale) and the cap on the longest side. */
  readonly scale: number;
  readonly maxSize: number;
  readonly flipped: boolean;
  /** Also vertically flipped copies (and both ways when `flipped`). */
  readonly verticalFlips?: boolean;
  /** Images that still need proposals (not cached). */
  readonly needProposals: number;
  /** Validation images and how many times they are evaluated during the run (recipe.ts). */
  readonly validation?: { readonly images: readonly { width: number; height: number }[]; readonly evaluations: number };
}

/** Seconds per unit of work, at scale 600. */
export interface MeasuredRates {
  readonly proposalSeconds: number;
  readonly featureSecondsPerMegapixel: number;
  readonly iterationSeconds: number;
  /** One held-out image through the head (2,000 proposals), features cached. */
  readonly evaluationSeconds: number;
  readonly exportSeconds: number;
}

export const DEFAULT_RATES: MeasuredRates = {
  proposalSeconds: 0.2,
  featureSecondsPerMegapixel: 0.3,
  iterationSeconds: 0.3,
  evaluationSeconds: 0.3,
  exportSeconds: 3,
};

/** Channels of the cached frozen-backbone tap (MobileNetV3 expanded_conv_12/expand) and the stride. */
const TAP_CHANNELS = 528;
const STRIDE = 16;
/** Bytes of the fc head at the default sizes (weights, gradients and momentum, float32), plus the backbone. */
const MODEL_BYTES = 3 * 4 * (7 * 7 * 128 * 256 + 256 * 256 + 528 * 128) + 4.2e6 * 2;

export interface Estimate {
  readonly seconds: number;
  readonly bytes: number;
  readonly phases: { readonly proposals: number; readonly features: number; readonly training: number; readonly validating: number; readonly exporting: number };
}

function scaled(size: { width: number; height: number }, scale: number, maxSize: number): { width: number; height: number } {
  const s = Math.min(scale / Math.min(size.width, size.height), maxSize / Math.max(size.width, size.height));
  return { width: size.width * s, height: size.height * s };
}

/** Relative cost of one SGD iteration at a training scale (measured: 800 costs about 1.2x of 600, not 1.8x). */
export function iterationCostFactor(scale: number): number {
  return 0.7 + 0.3 * (scale / 600) ** 2;
}

export function estimateRun(input: EstimateInput, rates: MeasuredRates = DEFAULT_RATES): Estimate {
  const validation = input.validation?.images ?? [];
  const copies = [
    ...input.train.flatMap((size) => new Array<typeof size>((input.flipped ? 2 : 1) * (input.verticalFlips ? 2 : 1)).fill(size)),
    ...input.test,
    ...validation,
  ].map((size) => scaled(size, input.scale, input.maxSize));
  const megapixels = copies.reduce((sum, c) => sum + (c.width * c.height) / 1e6, 0);
  const featureBytes = copies.reduce((sum, c) => sum + Math.ceil(c.width / STRIDE) * Math.ceil(c.height / STRIDE) * TAP_CHANNELS * 2, 0);
  const phases = {
    proposals: input.needProposals * rates.proposalSeconds,
    features: megapixels * rates.featureSecondsPerMegapixel,
    training: input.iterations * rates.iterationSeconds * iterationCostFactor(input.scale),
    validating: (validation.length * (input.validation?.evaluations ?? 0) + input.test.length) * rates.evaluationSeconds * iterationCostFactor(input.scale),
    exporting: rates.exportSeconds,
  };
  const seconds = phases.proposals + phases.features + phases.training + phases.validating + phases.exporting;
  return { seconds, bytes: featureBytes + MODEL_BYTES, phases };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}
