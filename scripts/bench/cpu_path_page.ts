/**
 * The in-page half of scripts/bench/cpu_path.ts: the CPU path of one detection (issue 17, part 3), on the page's
 * backend (wasm or cpu), everything compared within one page load.
 * 1. backbone: src/model's interpreter (Backbone.forward) against tf.GraphModel to the same tap, same input,
 *    alternating, medians; the largest difference between the two maps;
 * 2. RoI pooling: the custom kernel on the reduced map with the proposals, medians;
 * 3. detect(): stage times of a fresh detector's first image (after its warm-up when `warmUp`), then warm medians.
 */
import * as tf from '@tensorflow/tfjs';
import { makeDetectorConfig } from '../../src/model/defaults';
import type { StageTimesMs } from '../../src/model/detection_types';
import { FastRcnnDetector } from '../../src/model/detector';
import { imageToTensor, resizeImage } from '../../src/model/preprocess';
import { roiPool } from '../../src/kernels/roi_pool/roi_pool';
import { roiPoolForwardImpl } from '../../src/kernels/roi_pool/roi_pool_impl';
import { selectiveSearch } from '../../src/proposals/selective_search';
import { denseBoxes } from '../../src/proposals/dense_boxes';
import { describeBackend, useBackend } from '../../src/training/backends';

export interface CpuPathOptions {
  readonly imageBase64: string;
  readonly proposals: number;
  readonly repeats: number;
  /** Run the detector's warm-up (if it has one) before its first image. */
  readonly warmUp: boolean;
  /** Which parts to run. */
  readonly parts: readonly ('backbone' | 'roipool' | 'detect' | 'profile' | 'svd')[];
  /** fc6 ranks timed by the 'svd' part (fc7 stays dense). */
  readonly fc6Ranks?: readonly number[];
  readonly backend: 'wasm' | 'cpu';
}

export interface CpuPathResult {
  readonly backend: string;
  readonly threads: string;
  readonly inputShape: number[];
  readonly backbone?: { interpreterMs: number[]; graphModelMs: number[]; maxAbsDiff: number; maxAbs: number };
  readonly roiPool?: { ms: number[]; beforeMs: number[]; rois: number; mapShape: number[]; same: boolean };
  readonly detect?: { createMs: number; warmUpMs: number | null; first: StageTimesMs; warm: StageTimesMs[] };
  /** Backbone kernel time by kernel name (tf.profile), ms, and the wall time of the profiled run. */
  /** detect()'s fc stage and total per fc6 rank (null = dense), measured in turns. */
  readonly svd?: { rank: number | null; fcMs: number[]; totalMs: number[] }[];
  readonly profile?: { byKernel: Record<string, number>; count: Record<string, number>; wallMs: number };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
export { median };

export async function runCpuPath(options: CpuPathOptions): Promise<CpuPathResult> {
  await useBackend(options.backend); // the app's ?backend=wasm path (src/ui/main.ts)
  const bytes = Uint8Array.from(atob(options.imageBase64), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes]));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.drawImage(bitmap, 0, 0);
  const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height);
  const boxes = proposals(pixels, options.proposals);
  const config = makeDetectorConfig(['rbc', 'wbc', 'platelets']);
  const scale = 600 / Math.min(pixels.width, pixels.height);
  const image = tf.tidy(() => resizeImage(imageToTensor(pixels), scale));
  const result: { -readonly [K in keyof CpuPathResult]: CpuPathResult[K] } = {
    backend: tf.getBackend(),
    threads: describeBackend(),
    inputShape: image.shape,
  };
  if (options.parts.includes('detect')) {
    const start = performance.now();
    const detector = await FastRcnnDetector.create(config, { seed: 3 });
    const createMs = performance.now() - start;
    let warmUpMs: number | null = null;
    const warm = (detector as unknown as { warmUp?: () => Promise<void> }).warmUp;
    if (options.warmUp && warm) {
      const t = performance.now();
      await warm.call(detector);
      warmUpMs = performance.now() - t;
    }
    const first = (await detector.detect(pixels, boxes)).timesMs;
    const runs: StageTimesMs[] = [];
    for (let r = 0; r < options.repeats; r++) runs.push((await detector.detect(pixels, boxes)).timesMs);
    result.detect = { createMs, warmUpMs, first, warm: runs };
    detector.dispose();
  }
  const detector = await FastRcnnDetector.create(config, { seed: 3 });
  try {
    if (options.parts.includes('backbone')) {
      // the graph's placeholder is fixed at 1x512x512x3: free its spatial size, as the interpreter runs any size
      const model = await tf.loadGraphModel(config.backbone.modelUrl, {
        fetchFunc: async (input: RequestInfo | URL, init?: RequestInit) => {
          const response = await fetch(input, init);
          if (!String(input).endsWith('.json')) return response;
          const json = await response.json();
          for (const node of json.modelTopology.node) if (node.op === 'Placeholder') node.attr.shape.shape.dim = [{ size: '1' }, { size: '-1' }, { size: '-1' }, { size: '3' }];
          return new Response(JSON.stringify(json), { headers: { 'content-type': 'application/json' } });
        },
      });
      const graph = () => model.execute({ [config.backbone.inputNode]: image }, config.backbone.tapNode) as tf.Tensor4D;
      const ours = () => detector.backbone.forward(image);
      const time = async (f: () => tf.Tensor) => {
        const t = performance.now();
        const out = f();
        await out.data();
        const ms = performance.now() - t;
        out.dispose();
        return ms;
      };
      await time(graph);
      await time(ours);
      const interpreterMs: number[] = [];
      const graphModelMs: number[] = [];
      for (let r = 0; r < options.repeats; r++) {
        interpreterMs.push(await time(ours));
        graphModelMs.push(await time(graph));
      }
      const [a, b] = [ours(), graph()];
      const maxAbsDiff = (await tf.max(tf.abs(tf.sub(a, b))).data())[0];
      const maxAbs = (await tf.max(tf.abs(b)).data())[0];
      tf.dispose([a, b]);
      model.dispose();
      result.backbone = { interpreterMs, graphModelMs, maxAbsDiff, maxAbs };
    }
    if (options.parts.includes('svd')) {
      const ranks = [null, ...(options.fc6Ranks ?? [128, 64, 32])];
      const detectors = await Promise.all(ranks.map(async (rank) => {
        const d = await FastRcnnDetector.create(config, { seed: 3 });
        if (rank !== null) await d.compress({ fc6: rank });
        await d.warmUp();
        await d.detect(pixels, boxes);
        return d;
      }));
      const rows = ranks.map((rank) => ({ rank, fcMs: [] as number[], totalMs: [] as number[] }));
      for (let r = 0; r < options.repeats; r++) {
        for (let i = 0; i < detectors.length; i++) {
          const t = (await detectors[i].detect(pixels, boxes)).timesMs;
          rows[i].fcMs.push(t.fc ?? 0);
          rows[i].totalMs.push(t.total);
        }
      }
      detectors.forEach((d) => d.dispose());
      result.svd = rows;
    }
    if (options.parts.includes('profile')) {
      tf.dispose(detector.backbone.forward(image));
      const byKernel: Record<string, number> = {};
      const count: Record<string, number> = {};
      const t = performance.now();
      const info = await tf.profile(() => detector.backbone.forward(image));
      const wallMs = performance.now() - t;
      for (const k of info.kernels) {
        byKernel[k.name] = (byKernel[k.name] ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0);
        count[k.name] = (count[k.name] ?? 0) + 1;
      }
      tf.dispose(info.result as tf.Tensor);
      result.profile = { byKernel, count, wallMs };
    }
    if (options.parts.includes('roipool')) {
      const features = detector.featureMap(image);
      const count = boxes.length / 4;
      const rows = new Float32Array(count * 5);
      for (let i = 0; i < count; i++) rows.set([0, ...Array.from(boxes.subarray(4 * i, 4 * i + 4), (v) => v * scale)], 5 * i);
      const rois = tf.tensor2d(rows, [count, 5]);
      const once = async () => {
        const t = performance.now();
        const out = roiPool(features, rois, 7, 7, 1 / 16);
        await out.data();
        const ms = performance.now() - t;
        out.dispose();
        return ms;
      };
      // the kernel before issue 17: read the map back, the oracle's loops (with argmax), write the output
      const legacy = () => {
        const [n, h, w, c] = features.shape;
        const { output } = roiPoolForwardImpl(features.dataSync(), [n, h, w, c], rois.dataSync(), count, 7, 7, 1 / 16);
        return tf.tensor4d(output, [count, 7, 7, c]);
      };
      const onceLegacy = async () => {
        const t = performance.now();
        const out = legacy();
        await out.data();
        const ms = performance.now() - t;
        out.dispose();
        return ms;
      };
      const [a, b] = [roiPool(features, rois, 7, 7, 1 / 16), legacy()];
      const [va, vb] = [await a.data(), await b.data()];
      const same = va.length === vb.length && va.every((v, i) => Object.is(v, vb[i]));
      tf.dispose([a, b]);
      await once();
      const ms: number[] = [];
      const beforeMs: number[] = [];
      for (let r = 0; r < options.repeats; r++) {
        ms.push(await once());
        beforeMs.push(await onceLegacy());
      }
      result.roiPool = { ms, beforeMs, rois: count, mapShape: features.shape, same };
      tf.dispose([features, rois]);
    }
  } finally {
    detector.dispose();
    image.dispose();
  }
  return result;
}

/** Selective search (fast), topped up with dense boxes to `wanted` (as bench_detect_page.ts does). */
function proposals(pixels: ImageData, wanted: number): Float32Array {
  const searched = selectiveSearch(pixels, { mode: 'fast' });
  const fromSearch = Math.min(wanted, searched.length / 4);
  const boxes = new Float32Array(wanted * 4);
  boxes.set(searched.subarray(0, fromSearch * 4));
  const dense = denseBoxes(pixels.width, pixels.height, { targetCount: 4 * wanted });
  let state = 7;
  for (let i = fromSearch; i < wanted; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = Math.floor((state / 2 ** 32) * (dense.length / 4));
    boxes.set(dense.subarray(4 * j, 4 * j + 4), 4 * i);
  }
  return boxes;
}
