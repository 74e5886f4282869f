/**
 * `npm run bench:latency`'s numbers from what each backend's page measured (scripts/bench_latency_page.ts): pure,
 * unit-tested. A row per backend: the first image, the median of the warm ones (every image after the first),
 * the network's share, the stage medians, and the physical-limit estimate (the network's FLOPs over the best
 * matMul rate of the same backend in the same page) with the ratios to it.
 */
import type { ImageTiming, LatencyPageResult, LongFrameScript } from '../bench_latency_page';

export const STAGES = ['proposals', 'preprocess', 'backbone', 'roiPool', 'heads', 'postprocess'] as const;
export type Stage = (typeof STAGES)[number];

/** A stage's time in a result's timesMs: the pipeline's names for heads and postprocess were 'fc' and 'nms'. */
export function stageMs(times: Readonly<Record<string, number | undefined>>, stage: Stage): number {
  const aliases: Record<Stage, readonly string[]> = {
    proposals: ['proposals'], preprocess: ['preprocess'], backbone: ['backbone'], roiPool: ['roiPool'],
    heads: ['heads', 'fc'], postprocess: ['postprocess', 'nms'],
  };
  for (const key of aliases[stage]) if (times[key] !== undefined) return times[key] as number;
  return 0;
}

/** The network alone: preprocess, backbone, RoI pooling and the heads (no proposals, no post-processing). */
export function networkMs(times: Readonly<Record<string, number | undefined>>): number {
  return stageMs(times, 'preprocess') + stageMs(times, 'backbone') + stageMs(times, 'roiPool') + stageMs(times, 'heads');
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface LatencyRow {
  /** What was asked: 'webgpu', 'webgl', 'wasm', 'cpu' or 'auto'. */
  readonly backend: string;
  /** The backend the detections ran on (detector.backend); null when none started. */
  readonly ran: string | null;
  /** 'ok', 'did not start: <reason>', 'failed: <reason>' or 'skipped: <reason>'. */
  readonly status: string;
  readonly images: number;
  readonly imagesAsked: number;
  readonly readyMs: number | null;
  readonly firstMs: number | null;
  /** Median over the warm images (every image after the first); null with fewer than two images. */
  readonly warmMedianMs: number | null;
  readonly bccdWarmMedianMs: number | null;
  readonly raccoonWarmMedianMs: number | null;
  readonly networkMedianMs: number | null;
  /** Stage medians over the warm images (the first image alone when it is the only one). */
  readonly stagesMs: Readonly<Record<Stage, number>> | null;
  /** Median network GFLOP per image over the same images. */
  readonly gflop: number | null;
  readonly matMulGflops: number | null;
  /** The page backend the matMul probe ran on, in words ('wasm, 2 threads'). */
  readonly matMulOn: string | null;
  /** Median over the same images of FLOPs / best matMul rate. */
  readonly limitMs: number | null;
  /** networkMedianMs / limitMs and warmMedianMs / limitMs. */
  readonly networkToLimit: number | null;
  readonly endToEndToLimit: number | null;
  /** Longest main-thread block during this backend's detections: the longer of the rAF gap and the longest long-animation-frame. */
  readonly maxMainThreadBlockMs: number | null;
  readonly maxRafGapMs: number | null;
  readonly maxLongFrameMs: number | null;
  /** The scripts of the longest long animation frame during a detection, longest first (Chromium's attribution). */
  readonly longestFrameScripts: readonly LongFrameScript[];
  /** Why fewer images ran than asked (2-image rule, time cap), or null. */
  readonly note: string | null;
  readonly perImage: readonly ImageTiming[];
}

/** A row for a page result; `imagesAsked` is how many images the page was given. */
export function latencyRow(result: LatencyPageResult, imagesAsked: number): LatencyRow {
  const { images } = result;
  const status = !result.started ? `did not start: ${result.error ?? 'unknown'}` : result.error === null ? 'ok' : `failed: ${result.error}`;
  const warm = images.slice(1);
  const basis = warm.length > 0 ? warm : images;
  const bestRate = result.matMul.length > 0 ? Math.max(...result.matMul.map((m) => m.gflops)) : null;
  const limits = bestRate === null ? [] : basis.map((image) => image.flops.total / (bestRate * 1e6));
  const warmMedianMs = median(warm.map((image) => image.ms));
  const networkMedianMs = median(basis.map((image) => networkMs(image.timesMs)));
  const limitMs = median(limits);
  const block = result.mainThread;
  const anyDetection = images.length > 0;
  return {
    backend: result.requested,
    ran: result.started ? result.backend : null,
    status,
    images: images.length,
    imagesAsked,
    readyMs: result.readyMs > 0 ? result.readyMs : null,
    firstMs: images[0]?.ms ?? null,
    warmMedianMs,
    bccdWarmMedianMs: median(warm.filter((image) => image.set === 'bccd').map((image) => image.ms)),
    raccoonWarmMedianMs: median(warm.filter((image) => image.set === 'raccoon').map((image) => image.ms)),
    networkMedianMs,
    stagesMs: anyDetection ? Object.fromEntries(STAGES.map((stage) => [stage, median(basis.map((image) => stageMs(image.timesMs, stage))) as number])) as Record<Stage, number> : null,
    gflop: anyDetection ? (median(basis.map((image) => image.flops.total)) as number) / 1e9 : null,
    matMulGflops: bestRate,
    matMulOn: result.matMulBackend,
    limitMs,
    networkToLimit: networkMedianMs !== null && limitMs !== null ? networkMedianMs / limitMs : null,
    endToEndToLimit: warmMedianMs !== null && limitMs !== null ? warmMedianMs / limitMs : null,
    maxMainThreadBlockMs: anyDetection ? Math.max(block.maxRafGapMs, block.maxLongFrameMs ?? 0) : null,
    maxRafGapMs: anyDetection ? block.maxRafGapMs : null,
    maxLongFrameMs: anyDetection ? block.maxLongFrameMs : null,
    longestFrameScripts: block.longestFrameScripts ?? [],
    note: result.cut,
    perImage: images,
  };
}

/** A row for a backend that was not run. */
export function skippedRow(backend: string, imagesAsked: number, why: string): LatencyRow {
  return {
    backend, ran: null, status: `skipped: ${why}`, images: 0, imagesAsked, readyMs: null, firstMs: null, warmMedianMs: null,
    bccdWarmMedianMs: null, raccoonWarmMedianMs: null, networkMedianMs: null, stagesMs: null, gflop: null,
    matMulGflops: null, matMulOn: null, limitMs: null, networkToLimit: null, endToEndToLimit: null, maxMainThreadBlockMs: null,
    maxRafGapMs: null, maxLongFrameMs: null, longestFrameScripts: [], note: null, perImage: [],
  };
}

export interface LatencySummary {
  readonly rows: readonly LatencyRow[];
  /** The automatic choice: the backend it took, its warm median, and how it compares with the fastest named backend. */
  readonly auto: { readonly backend: string | null; readonly warmMedianMs: number | null; readonly fastest: string | null; readonly fastestWarmMedianMs: number | null; readonly toFastest: number | null } | null;
  /** The longest main-thread block over every backend's detections, and on which backend. */
  readonly maxMainThreadBlockMs: number | null;
  readonly maxMainThreadBlockBackend: string | null;
}

export function summarize(rows: readonly LatencyRow[]): LatencySummary {
  const autoRow = rows.find((row) => row.backend === 'auto');
  const named = rows.filter((row) => row.backend !== 'auto' && row.warmMedianMs !== null);
  const fastest = named.reduce<LatencyRow | null>((best, row) => (best === null || row.warmMedianMs! < best.warmMedianMs! ? row : best), null);
  const blocks = rows.filter((row) => row.maxMainThreadBlockMs !== null);
  const worst = blocks.reduce<LatencyRow | null>((w, row) => (w === null || row.maxMainThreadBlockMs! > w.maxMainThreadBlockMs! ? row : w), null);
  return {
    rows,
    auto: autoRow === undefined ? null : {
      backend: autoRow.ran,
      warmMedianMs: autoRow.warmMedianMs,
      fastest: fastest?.backend ?? null,
      fastestWarmMedianMs: fastest?.warmMedianMs ?? null,
      toFastest: autoRow.warmMedianMs !== null && fastest !== null ? autoRow.warmMedianMs / fastest.warmMedianMs! : null,
    },
    maxMainThreadBlockMs: worst?.maxMainThreadBlockMs ?? null,
    maxMainThreadBlockBackend: worst?.backend ?? null,
  };
}
