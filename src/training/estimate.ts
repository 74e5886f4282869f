/**
 * A rough estimate of a fine-tuning run's time and memory, shown before it starts. Pure arithmetic on rates measured
 * with `npm run train` on a 2-core machine with the wasm backend (4 BCCD images, 30 iterations: proposals 2.1 s per
 * image, features 1.4 s per image copy at scale 600, 1.84 s per iteration), scaled by image area. When the page has
 * finished a run on this machine, the measured rates (MeasuredRates) replace the defaults.
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
}

/** Seconds per unit of work, at scale 600. */
export interface MeasuredRates {
  readonly proposalSeconds: number;
  readonly featureSecondsPerMegapixel: number;
  readonly iterationSeconds: number;
  readonly exportSeconds: number;
}

export const DEFAULT_RATES: MeasuredRates = {
  proposalSeconds: 2.1,
  featureSecondsPerMegapixel: 2.9, // 1.4 s for a 800 x 600 copy
  iterationSeconds: 1.84,
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
  readonly phases: { readonly proposals: number; readonly features: number; readonly training: number; readonly exporting: number };
}

function scaled(size: { width: number; height: number }, scale: number, maxSize: number): { width: number; height: number } {
  const s = Math.min(scale / Math.min(size.width, size.height), maxSize / Math.max(size.width, size.height));
  return { width: size.width * s, height: size.height * s };
}

export function estimateRun(input: EstimateInput, rates: MeasuredRates = DEFAULT_RATES): Estimate {
  const copies = [
    ...input.train.flatMap((size) => new Array<typeof size>((input.flipped ? 2 : 1) * (input.verticalFlips ? 2 : 1)).fill(size)),
    ...input.test,
  ].map((size) => scaled(size, input.scale, input.maxSize));
  const megapixels = copies.reduce((sum, c) => sum + (c.width * c.height) / 1e6, 0);
  const featureBytes = copies.reduce((sum, c) => sum + Math.ceil(c.width / STRIDE) * Math.ceil(c.height / STRIDE) * TAP_CHANNELS * 2, 0);
  const areaFactor = (input.scale / 600) ** 2;
  const phases = {
    proposals: input.needProposals * rates.proposalSeconds,
    features: megapixels * rates.featureSecondsPerMegapixel,
    training: input.iterations * rates.iterationSeconds * (0.35 + 0.65 * areaFactor),
    exporting: rates.exportSeconds,
  };
  return { seconds: phases.proposals + phases.features + phases.training + phases.exporting, bytes: featureBytes + MODEL_BYTES, phases };
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
