/**
 * The in-page half of `npm run bench:detect` (scripts/bench_detect.ts loads it into the test harness page).
 * One image, one set of proposals, three measurements on the page's tfjs backend:
 * 1. Fast R-CNN: one shared feature map per image, RoI pooling, the fc head (FastRcnnDetector.detect);
 * 2. R-CNN style: each proposal cropped from the image, warped to 224x224 and run through the backbone on its
 *    own (batched), then the same head on its whole map; timed on a random sample and scaled linearly;
 * 3. Fast R-CNN again after truncated SVD of fc6 and fc7.
 * Every timed run is preceded by an untimed warm-up (shader compilation), and medians are reported.
 */
import * as tf from '@tensorflow/tfjs';
import type { PackedBoxes } from '../src/geometry/box';
import { makeDetectorConfig } from '../src/model/defaults';
import type { StageTimesMs } from '../src/model/detection_types';
import { FastRcnnDetector } from '../src/model/detector';
import { imageToTensor } from '../src/model/preprocess';
import { denseBoxes } from '../src/proposals/dense_boxes';
import { selectiveSearch } from '../src/proposals/selective_search';

export interface BenchOptions {
  /** The image file's name (for the report) and its bytes. */
  readonly imageName: string;
  readonly imageBase64: string;
  readonly proposals: number;
  /** Proposals actually run R-CNN style; the time is scaled to `proposals`. */
  readonly rcnnSample: number;
  /** Crops per backbone call in the R-CNN-style forward. */
  readonly rcnnBatch: number;
  readonly fc6Rank: number;
  readonly fc7Rank: number;
  readonly repeats: number;
}

export interface BenchResult {
  readonly backend: string;
  readonly image: { readonly width: number; readonly height: number; readonly name: string };
  readonly proposals: number;
  readonly proposalSource: { readonly selectiveSearch: number; readonly dense: number; readonly searchMs: number };
  readonly fast: StageTimesMs;
  readonly rcnnStyle: { readonly sampled: number; readonly sampleMs: number; readonly perImageMs: number; readonly batch: number };
  readonly svd: {
    readonly fc6Rank: number;
    readonly fc7Rank: number;
    readonly fc6Error: number;
    readonly fc7Error: number;
    readonly after: StageTimesMs;
  };
  readonly headConfig: unknown;
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const bytes = Uint8Array.from(atob(options.imageBase64), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes]));
  const pixels = imageData(bitmap);
  const { boxes, source } = pickProposals(pixels, options.proposals);
  const detector = await FastRcnnDetector.create(makeDetectorConfig(['rbc', 'wbc', 'platelets']), { seed: 3 });
  try {
    const fast = await timeDetect(detector, pixels, boxes, options.repeats);
    const rcnnStyle = await timeRcnnStyle(detector, pixels, boxes, options);
    const [fc6, fc7] = await detector.compress({ fc6: options.fc6Rank, fc7: options.fc7Rank });
    const after = await timeDetect(detector, pixels, boxes, options.repeats);
    return {
      backend: tf.getBackend(),
      image: { width: pixels.width, height: pixels.height, name: options.imageName },
      proposals: boxes.length / 4,
      proposalSource: source,
      fast,
      rcnnStyle,
      svd: { fc6Rank: fc6.rank, fc7Rank: fc7.rank, fc6Error: fc6.relativeError, fc7Error: fc7.relativeError, after },
      headConfig: makeDetectorConfig([]).head,
    };
  } finally {
    detector.dispose();
  }
}

function imageData(bitmap: ImageBitmap): ImageData {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height);
}

/** Selective search (fast mode), best first; topped up with dense boxes when it finds fewer than wanted. */
function pickProposals(pixels: ImageData, wanted: number): { boxes: Float32Array; source: BenchResult['proposalSource'] } {
  const start = performance.now();
  const searched = selectiveSearch(pixels, { mode: 'fast' });
  const searchMs = performance.now() - start;
  const fromSearch = Math.min(wanted, searched.length / 4);
  const boxes = new Float32Array(wanted * 4);
  boxes.set(searched.subarray(0, fromSearch * 4));
  const dense = denseBoxes(pixels.width, pixels.height, { targetCount: 4 * wanted });
  const random = seededRandom(7);
  for (let i = fromSearch; i < wanted; i++) {
    const j = Math.floor(random() * (dense.length / 4));
    boxes.set(dense.subarray(4 * j, 4 * j + 4), 4 * i);
  }
  return { boxes, source: { selectiveSearch: fromSearch, dense: wanted - fromSearch, searchMs } };
}

async function timeDetect(detector: FastRcnnDetector, pixels: ImageData, boxes: PackedBoxes, repeats: number): Promise<StageTimesMs> {
  await detector.detect(pixels, boxes); // warm-up: shader compilation, buffer pools
  const runs: StageTimesMs[] = [];
  for (let r = 0; r < repeats; r++) runs.push((await detector.detect(pixels, boxes)).timesMs);
  const median = (key: keyof StageTimesMs) => {
    const values = runs.map((t) => t[key] ?? 0).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)];
  };
  return { preprocess: median('preprocess'), backbone: median('backbone'), roiPool: median('roiPool'), fc: median('fc'), nms: median('nms'), total: median('total') };
}

/**
 * R-CNN's forward with this network: crop each proposal from the original image, warp it to 224x224 (bilinear,
 * no context padding), run the backbone and the head on it; the RoI is the whole 14x14 map.
 */
async function timeRcnnStyle(detector: FastRcnnDetector, pixels: ImageData, boxes: PackedBoxes, options: BenchOptions) {
  const random = seededRandom(11);
  const total = boxes.length / 4;
  const sample = Array.from({ length: Math.min(options.rcnnSample, total) }, () => Math.floor(random() * total));
  const image = imageToTensor(pixels);
  const run = async (indices: number[]) => {
    for (let b = 0; b < indices.length; b += options.rcnnBatch) {
      const batch = indices.slice(b, b + options.rcnnBatch);
      const probs = tf.tidy(() => {
        const crops = tf.image.cropAndResize(
          tf.expandDims(image, 0) as tf.Tensor4D,
          tf.tensor2d(batch.flatMap((i) => normalizedBox(boxes, i, pixels)), [batch.length, 4]),
          tf.zeros([batch.length], 'int32'),
          [224, 224],
        );
        const features = detector.featureMap(crops);
        const rois = tf.tensor2d(batch.flatMap((_, k) => [k, 0, 0, 223, 223]), [batch.length, 5]);
        const pooled = detector.head.poolRois(features, rois, 1 / 16);
        return tf.softmax(detector.head.forward(pooled, { training: false }).clsScore);
      });
      await probs.data();
      probs.dispose();
    }
  };
  try {
    await run(sample.slice(0, options.rcnnBatch)); // warm-up
    const start = performance.now();
    await run(sample);
    const sampleMs = performance.now() - start;
    return { sampled: sample.length, sampleMs, perImageMs: (sampleMs * total) / sample.length, batch: options.rcnnBatch };
  } finally {
    image.dispose();
  }
}

/** [y1, x1, y2, x2] in 0..1, as cropAndResize takes boxes. */
function normalizedBox(boxes: PackedBoxes, i: number, size: { width: number; height: number }): number[] {
  const [x1, y1, x2, y2] = boxes.subarray(4 * i, 4 * i + 4);
  return [y1 / size.height, x1 / size.width, y2 / size.height, x2 / size.width];
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
}
