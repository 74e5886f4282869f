/**
 * The in-page half of `npm run bench:latency` (scripts/bench_latency.ts loads it into a fresh harness page per
 * backend). Everything goes through the library's public API: createDetector({ model, backend }) and
 * detector.detect(image), whose result carries the stage times. In the same page and on the same backend it then
 * times tf.matMul (the machine's best rate there) and counts each image's network FLOPs from the graph, and it
 * watches the main thread (gaps between animation frames, long-animation-frame entries) while detections run.
 */
import * as tf from '@tensorflow/tfjs';
import { createDetector, type Detector, type DetectionOutput } from '../src/index';
import type { GraphNodeJson } from '../src/model/graph_interpreter';
import { pyramidLevels } from '../src/model/pyramid';
import { describeBackend, useBackend } from '../src/training/backends';
import type { TrainBackend } from '../src/training/protocol';
import { networkFlops, networkShapeOf, type DetectorSizes, type NetworkShape } from './lib/network_flops';

export type LatencyBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu' | 'auto';

export interface LatencyImage {
  readonly set: 'bccd' | 'raccoon';
  readonly name: string;
  readonly url: string;
}

export interface LatencyPageOptions {
  readonly backend: LatencyBackend;
  /** Model URL per set (the shipped BCCD model for BCCD images, the raccoon model for raccoon images). */
  readonly models: Readonly<Record<LatencyImage['set'], string>>;
  /** In order: the BCCD images first, then the raccoon images. */
  readonly images: readonly LatencyImage[];
  /** A backend whose second image (the first warm one) takes longer than this runs no more images. */
  readonly slowImageMs: number;
  /** No image starts once the backend's detections took this long, or when the last image's time would pass it. */
  readonly capMs: number;
  /** Largest n of the n x n matMul probe. */
  readonly matMulMaxSize: number;
}

export interface ImageTiming {
  readonly set: LatencyImage['set'];
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** detect() as the caller sees it, image bytes (a Blob) in, result out. */
  readonly ms: number;
  readonly timesMs: Record<string, number>;
  readonly rois: number;
  readonly detections: number;
  readonly flops: { readonly backbone: number; readonly reduce: number; readonly fc: number; readonly outputs: number; readonly total: number };
}

export interface MatMulProbe {
  readonly size: number;
  /** Best of the timed repetitions (each read back). */
  readonly bestMs: number;
  readonly gflops: number;
}

export interface LatencyPageResult {
  readonly requested: LatencyBackend;
  /** The backend detections ran on (detector.backend); null when none started. */
  readonly backend: string | null;
  /** True once createDetector resolved on the backend asked for (any backend for 'auto'). */
  readonly started: boolean;
  /** Why the backend did not start, or what failed afterwards. */
  readonly error: string | null;
  /** createDetector for both models, from a fresh page to "ready". */
  readonly readyMs: number;
  readonly images: readonly ImageTiming[];
  /** Set when fewer images ran than asked, and why. */
  readonly cut: string | null;
  readonly matMul: readonly MatMulProbe[];
  /** The page's backend the probe ran on, in words ('wasm, 2 threads'). */
  readonly matMulBackend: string | null;
  /** Longest gap between animation frames that overlaps a detection, and the longest long-animation-frame entry. */
  readonly mainThread: MainThreadSummary;
}

export interface MainThreadSummary {
  readonly maxRafGapMs: number;
  /** null where the browser has no long-animation-frame entries. */
  readonly maxLongFrameMs: number | null;
  /** The longest long animation frame's scripts, longest first (what blocked the page, where Chromium says). */
  readonly longestFrameScripts?: readonly LongFrameScript[];
  readonly frames: number;
}

export interface LongFrameScript {
  readonly durationMs: number;
  /** e.g. 'DedicatedWorkerGlobalScope.onmessage', 'Promise.then', 'FrameRequestCallback'. */
  readonly invoker: string;
  readonly source: string;
}

/** Runs the whole measurement for one backend in this (fresh) page. */
export async function runLatency(options: LatencyPageOptions, progress: (line: string) => void = () => undefined): Promise<LatencyPageResult> {
  const monitor = new MainThreadMonitor();
  const images: ImageTiming[] = [];
  let backend: string | null = null;
  let started = false;
  let cut: string | null = null;
  let readyMs = 0;
  let error: string | null = null;
  let matMul: MatMulProbe[] = [];
  let matMulBackend: string | null = null;
  const detectors: Partial<Record<LatencyImage['set'], Detector>> = {};
  try {
    const blobs = await Promise.all(options.images.map((image) => fetch(image.url).then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`${image.url}: HTTP ${r.status}`))))));
    const networks = await networkShapes(options.models, new Set(options.images.map((image) => image.set)));
    const start = performance.now();
    try {
      await startDetectors(options, detectors);
    } catch (e) {
      error = message(e);
      return result();
    }
    readyMs = performance.now() - start;
    backend = (detectors.bccd ?? detectors.raccoon)!.backend;
    if (options.backend !== 'auto' && backend !== options.backend) {
      error = `asked for ${options.backend}, the detector runs on ${backend}`;
      return result();
    }
    started = true;
    progress(`ready in ${(readyMs / 1000).toFixed(1)} s on ${backend}`);
    const detectStart = performance.now();
    monitor.start();
    for (let i = 0; i < options.images.length; i++) {
      const elapsed = performance.now() - detectStart;
      const last = images.at(-1)?.ms ?? 0;
      if (images.length >= 2 && images[1].ms > options.slowImageMs) {
        cut = `slower than ${options.slowImageMs / 1000} s an image (second image ${(images[1].ms / 1000).toFixed(1)} s): 2 images only`;
        break;
      }
      if (images.length > 0 && elapsed + last > options.capMs) {
        cut = `time cap: ${(options.capMs / 1000).toFixed(0)} s for this backend's detections reached after ${images.length} of ${options.images.length} images`;
        break;
      }
      const image = options.images[i];
      const detector = detectors[image.set]!;
      const began = performance.now();
      monitor.enter(began);
      let output: DetectionOutput;
      try {
        output = await detector.detect(blobs[i]);
      } finally {
        monitor.leave(performance.now());
      }
      const ms = performance.now() - began;
      const network = networks[image.set];
      const levels = pyramidLevels({ width: output.imageWidth, height: output.imageHeight }, network.config.input);
      const views = 1 + (network.config.detect?.testFlips?.length ?? 0);
      const flops = networkFlops(network.shape, levels, output.proposals.length, views);
      images.push({
        set: image.set, name: image.name, width: output.imageWidth, height: output.imageHeight, ms,
        timesMs: { ...output.timesMs }, rois: output.proposals.length, detections: output.objects.length, flops,
      });
      progress(`${image.set} ${image.name} (${i + 1} of ${options.images.length}): ${ms.toFixed(0)} ms, ${stagesLine(output.timesMs)}`);
    }
    await monitor.stop();
    const probe = await probeMatMul(backend, options.matMulMaxSize);
    matMul = probe.runs;
    matMulBackend = probe.backend;
    if (matMul.length > 0) progress(`matMul on ${matMulBackend}: best ${Math.max(...matMul.map((m) => m.gflops)).toFixed(1)} GFLOP/s`);
  } catch (e) {
    error = message(e);
  } finally {
    await monitor.stop();
    for (const detector of Object.values(detectors)) detector?.dispose();
  }
  return result();

  function result(): LatencyPageResult {
    return { requested: options.backend, backend, started, error, readyMs, images, cut, matMul, matMulBackend, mainThread: monitor.summary() };
  }
}

/** One detector per model, through the public API with the backend named (or 'auto'). */
async function startDetectors(options: LatencyPageOptions, detectors: Partial<Record<LatencyImage['set'], Detector>>): Promise<void> {
  for (const set of new Set(options.images.map((image) => image.set))) {
    detectors[set] = await createDetector({ model: options.models[set], backend: options.backend });
  }
}

interface ModelNetwork {
  readonly shape: NetworkShape;
  readonly config: { readonly input: { readonly scales: readonly number[]; readonly maxSize: number }; readonly detect?: { readonly testFlips?: readonly unknown[] | null } };
}

/** Each model's config and the backbone graph's topology (no weights): what the FLOP count reads. */
async function networkShapes(models: LatencyPageOptions['models'], sets: ReadonlySet<LatencyImage['set']>): Promise<Record<LatencyImage['set'], ModelNetwork>> {
  const json = async <T>(url: string): Promise<T> => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  const out: Partial<Record<LatencyImage['set'], ModelNetwork>> = {};
  for (const set of sets) {
    const url = models[set];
    const model = await json<{ modelTopology: { config: DetectorSizes & ModelNetwork['config'] & { backbone: { modelUrl: string } } } }>(url);
    const config = model.modelTopology.config;
    const backbone = await json<{ modelTopology: { node: GraphNodeJson[] }; weightsManifest: { weights: { name: string; shape: number[] }[] }[] }>(
      new URL(config.backbone.modelUrl, location.origin).href,
    );
    const graph = { nodes: backbone.modelTopology.node, weightSpecs: backbone.weightsManifest.flatMap((group) => group.weights) };
    out[set] = { shape: networkShapeOf(graph, config), config };
  }
  return out as Record<LatencyImage['set'], ModelNetwork>;
}

/**
 * tf.matMul n x n on the detections' backend in this page (set here if the detector ran elsewhere, e.g. in a
 * worker): sizes 128, 256, ... up to `maxSize`, each warmed up once then timed 3 times with a read-back; larger sizes
 * stop once a repetition takes over a second. 2n³ FLOPs per product.
 */
async function probeMatMul(backend: string, maxSize: number): Promise<{ backend: string; runs: MatMulProbe[] }> {
  if (tf.getBackend() !== backend) await useBackend(backend as TrainBackend);
  const runs: MatMulProbe[] = [];
  for (let n = 128; n <= maxSize; n *= 2) {
    const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
    const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
    const once = async () => {
      const began = performance.now();
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
      return performance.now() - began;
    };
    try {
      await once(); // shader compilation, buffer allocation
      let best = Infinity;
      for (let r = 0; r < 3; r++) best = Math.min(best, await once());
      runs.push({ size: n, bestMs: best, gflops: (2 * n ** 3) / (best * 1e6) });
      if (best > 1000) break;
    } finally {
      tf.dispose([a, b]);
    }
  }
  return { backend: describeBackend(), runs };
}

/**
 * The main thread while detections run: every animation frame's time (a frame that comes late means the thread was
 * busy), and the long-animation-frame entries Chromium reports. Only gaps and entries overlapping a detection count.
 */
class MainThreadMonitor {
  private frames: number[] = [];
  private windows: [number, number][] = [];
  private longFrames: { start: number; duration: number; scripts: LongFrameScript[] }[] = [];
  private observer: PerformanceObserver | null = null;
  private running = false;
  private supportsLongFrames = false;
  private openedAt: number | null = null;

  start(): void {
    this.running = true;
    const tick = (time: number) => {
      this.frames.push(time);
      if (this.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    if (PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame')) {
      this.supportsLongFrames = true;
      this.observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) this.record(entry);
      });
      this.observer.observe({ type: 'long-animation-frame', buffered: false });
    }
  }

  enter(time: number): void {
    this.openedAt = time;
  }

  leave(time: number): void {
    if (this.openedAt !== null) this.windows.push([this.openedAt, time]);
    this.openedAt = null;
  }

  /** Stops after the next frame (which closes the gap of a block at the end of the last detection). */
  async stop(): Promise<void> {
    if (!this.running) return;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    this.running = false;
    if (this.observer !== null) {
      for (const entry of this.observer.takeRecords()) this.record(entry);
      this.observer.disconnect();
    }
  }

  private record(entry: PerformanceEntry): void {
    // PerformanceLongAnimationFrameTiming.scripts (not in TypeScript's DOM types yet)
    const scripts = ((entry as PerformanceEntry & { scripts?: { duration: number; invoker?: string; sourceURL?: string; sourceFunctionName?: string; sourceCharPosition?: number }[] }).scripts ?? [])
      .map((script) => ({
        durationMs: script.duration,
        invoker: script.invoker ?? '',
        source: `${script.sourceFunctionName || '(anonymous)'} ${script.sourceURL ?? ''}${script.sourceCharPosition !== undefined && script.sourceCharPosition >= 0 ? `:${script.sourceCharPosition}` : ''}`.trim(),
      }))
      .sort((a, b) => b.durationMs - a.durationMs)
      .slice(0, 3);
    this.longFrames.push({ start: entry.startTime, duration: entry.duration, scripts });
  }

  summary(): MainThreadSummary {
    const overlaps = (from: number, to: number) => this.windows.some(([a, b]) => from < b && to > a);
    let maxRafGapMs = 0;
    for (let i = 1; i < this.frames.length; i++) {
      if (overlaps(this.frames[i - 1], this.frames[i])) maxRafGapMs = Math.max(maxRafGapMs, this.frames[i] - this.frames[i - 1]);
    }
    const long = this.longFrames.filter((f) => overlaps(f.start, f.start + f.duration)).sort((a, b) => b.duration - a.duration);
    return {
      maxRafGapMs,
      maxLongFrameMs: this.supportsLongFrames ? (long[0]?.duration ?? 0) : null,
      longestFrameScripts: long[0]?.scripts ?? [],
      frames: this.frames.length,
    };
  }
}

function stagesLine(times: object): string {
  return Object.entries(times as Record<string, number | undefined>)
    .filter(([key, value]) => key !== 'total' && value !== undefined)
    .map(([key, value]) => `${key} ${(value as number).toFixed(0)}`)
    .join(', ');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
