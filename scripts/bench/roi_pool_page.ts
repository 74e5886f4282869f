/**
 * The in-page half of `npm run bench:roipool` (scripts/bench_roipool.ts loads it into the harness page on webgpu).
 *
 * Times, per (R, C): the roiPool kernels (forward; backward = bins + argmax + deterministic gather of
 * shaders/roi_pool_backward.wgsl), the fastest stock-tfjs composition found that computes the same result, and an
 * atomic-scatter backward (the nondeterministic alternative, measured for the determinism decision). Wall time from
 * an idle queue to the completion of the submitted work, so dispatch overhead counts. scripts/bench_roipool.ts
 * calls timeVariant once per variant in turns, and reads the GPU process's CPU time around each call.
 *
 * Stock composition (no custom kernel; host work included in its time, as it is part of the op). The fastest found
 * on this backend; a tf.max reduction over the cells instead of the max pool was 5-10x slower on SwiftShader.
 * 1. host: exact bin edges (roi_pool_impl.ts), bins grouped by cell count, their cells listed (see planGroups);
 * 2. forward: per group gather the cells' rows of x [N*H*W, C] and max-pool them; concat; gather into bin order;
 * 3. backward: per group the same gather, maxPoolWithArgmax for the cell of each maximum; one unsortedSegmentSum.
 */
import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend, webgpu_util, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { roiPool } from '../../src/kernels/roi_pool/roi_pool';
import { RoiPoolGrad, toAttrMap, type RoiPoolAttrs } from '../../src/kernels/roi_pool/kernel_names';
import { roiBins, type FeatureShape } from '../../src/kernels/roi_pool/roi_pool_impl';
import { RoiPoolForwardProgram, minBackwardThreads, planBackward, runBins } from '../../src/kernels/roi_pool/roi_pool_webgpu';

export interface BenchConfig {
  readonly numRois: number;
  readonly channels: number;
  readonly mapHeight: number;
  readonly mapWidth: number;
  readonly pooled: number;
  readonly spatialScale: number;
}

export type Variant = 'forwardKernel' | 'forwardStock' | 'backwardKernel' | 'backwardAtomic' | 'backwardStock';

export interface PreparedBench {
  readonly numRois: number;
  readonly channels: number;
  /** The backward's plan: block side and RoI chunks. */
  readonly tileSize: number;
  readonly numChunks: number;
  /** Compulsory traffic (every input read once, every output written once), float32 bytes. */
  readonly forwardBytes: number;
  readonly backwardBytes: number;
  /** Largest |kernel - stock| difference, forward and backward (a check of "the same result"). */
  readonly stockMaxDifference: { forward: number; backward: number };
}

function backend(): WebGPUBackend {
  const b = tf.backend();
  if (!(b instanceof WebGPUBackend)) throw new Error(`the benchmark needs the webgpu backend, got ${tf.getBackend()}`);
  return b;
}

/** Submits what tfjs has recorded and waits until the GPU has finished it. */
async function idle(): Promise<void> {
  const b = backend();
  b.ensureCommandEncoderReady();
  b.endComputePassEncoder();
  b.submitQueue();
  await b.device.queue.onSubmittedWorkDone();
}

/** Wall time of one call, from an idle queue to the completion of all the work it submitted. */
async function timeOnce(work: () => tf.Tensor | void): Promise<number> {
  await idle();
  const start = performance.now();
  const out = work();
  await idle();
  const ms = performance.now() - start;
  if (out) out.dispose();
  return ms;
}

function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
}

/** Proposals in image pixels: corners uniform over the image the map was computed from. */
function benchRois(c: BenchConfig): Float32Array {
  const random = uniform(c.numRois);
  const [imageW, imageH] = [c.mapWidth / c.spatialScale, c.mapHeight / c.spatialScale];
  const rois = new Float32Array(c.numRois * 5);
  for (let r = 0; r < c.numRois; r += 1) {
    const [x1, x2] = [random() * imageW, random() * imageW].sort((a, b) => a - b);
    const [y1, y2] = [random() * imageH, random() * imageH].sort((a, b) => a - b);
    rois.set([0, x1, y1, x2, y2], r * 5);
  }
  return rois;
}

// ---- the stock-tfjs composition -------------------------------------------------------------------------------

interface BinGroup {
  /** Cells per bin. */
  readonly area: number;
  /** Output bin index (r * PH + ph) * PW + pw of each member. */
  readonly bins: number[];
  /** Row index into x [N*H*W, C] of each member's cells, in reverse row-major order within the bin. */
  readonly cells: number[];
}

/**
 * Bins grouped by their number of cells. tfjs's max pool keeps the last of equal maxima (`>=`), so the cells are
 * listed last-first: its choice is then the reference's first maximum in row-major order, and so is its gradient.
 * A group holds fewer than 2^24 / C cells: maxPoolWithArgmax's flat indexes (cell * C + channel) then stay exact in
 * tfjs-webgpu's integer ops, which compute in float32.
 */
function planGroups(rois: Float32Array, shape: FeatureShape, attrs: RoiPoolAttrs): { groups: BinGroup[]; numBins: number } {
  const [, h, w, c] = shape;
  const { pooledHeight: ph, pooledWidth: pw, spatialScale } = attrs;
  const numRois = rois.length / 5;
  const maxCells = Math.floor((2 ** 24 - 1) / c);
  const full: BinGroup[] = [];
  const groups = new Map<number, BinGroup>(); // the open group of each area
  for (let r = 0; r < numRois; r += 1) {
    const { batch, rows, cols } = roiBins(rois, r, shape, ph, pw, spatialScale);
    for (let i = 0; i < ph; i += 1) {
      for (let j = 0; j < pw; j += 1) {
        const [hs, he, ws, we] = [rows[2 * i], rows[2 * i + 1], cols[2 * j], cols[2 * j + 1]];
        if (he <= hs || we <= ws) continue; // empty bins stay 0
        const area = (he - hs) * (we - ws);
        let group = groups.get(area);
        if (group != null && group.cells.length + area > maxCells) {
          full.push(group);
          group = undefined;
        }
        if (group == null) groups.set(area, (group = { area, bins: [], cells: [] }));
        group.bins.push((r * ph + i) * pw + j);
        for (let y = he - 1; y >= hs; y -= 1) for (let x = we - 1; x >= ws; x -= 1) group.cells.push((batch * h + y) * w + x);
      }
    }
  }
  return { groups: [...full, ...groups.values()], numBins: numRois * ph * pw };
}

/** Gather each group's cells as an image [1, n * area, 1, C] and max-pool it with an area x 1 window. */
function stockForward(features: tf.Tensor4D, roiValues: Float32Array, attrs: RoiPoolAttrs): tf.Tensor4D {
  const shape = features.shape as FeatureShape;
  const { groups, numBins } = planGroups(roiValues, shape, attrs);
  const c = shape[3];
  return tf.tidy(() => {
    const x2d = features.reshape([-1, c]);
    const maxima = groups.map((g) => {
      const cells = tf.gather(x2d, tf.tensor1d(g.cells, 'int32')).reshape([1, g.cells.length, 1, c]) as tf.Tensor4D;
      return tf.maxPool(cells, [g.area, 1], [g.area, 1], 'valid').reshape([g.bins.length, c]);
    });
    // Row of each output bin in [maxima..., a zero row for the empty bins].
    const order = new Int32Array(numBins).fill(groups.reduce((n, g) => n + g.bins.length, 0));
    let row = 0;
    for (const g of groups) for (const bin of g.bins) order[bin] = row++;
    const all = tf.concat([...maxima, tf.zeros([1, c])]);
    const numRois = numBins / (attrs.pooledHeight * attrs.pooledWidth);
    return tf.gather(all, tf.tensor1d(order, 'int32')).reshape([numRois, attrs.pooledHeight, attrs.pooledWidth, c]);
  });
}

/**
 * Per group the forward's gather, then maxPoolWithArgmax for where each maximum is, mapped back to cells of x; one
 * unsortedSegmentSum of dy over all groups. (tf.grad of stockForward gives the same result, 20-50x slower: tfjs's
 * gather gradient dominates.)
 */
function stockBackward(dy: tf.Tensor4D, features: tf.Tensor4D, roiValues: Float32Array, attrs: RoiPoolAttrs): tf.Tensor4D {
  const shape = features.shape as FeatureShape;
  const { groups } = planGroups(roiValues, shape, attrs);
  const c = shape[3];
  return tf.tidy(() => {
    const [x2d, dy2d] = [features.reshape([-1, c]), dy.reshape([-1, c])];
    const channels = tf.scalar(c, 'int32');
    const segments: tf.Tensor[] = [];
    const values: tf.Tensor[] = [];
    for (const g of groups) {
      const cells = tf.tensor1d(g.cells, 'int32');
      const image = tf.gather(x2d, cells).reshape([1, g.cells.length, 1, c]) as tf.Tensor4D;
      const { indexes } = tf.maxPoolWithArgmax(image, [g.area, 1], [g.area, 1], 'valid'); // (cell * C + channel)
      const cell = tf.gather(cells, tf.floorDiv(indexes, channels));
      segments.push(cell.mul(channels).add(tf.mod(indexes, channels)).reshape([-1]));
      values.push(tf.gather(dy2d, tf.tensor1d(g.bins, 'int32')).reshape([-1]));
    }
    if (segments.length === 0) return tf.zerosLike(features);
    return tf.unsortedSegmentSum(tf.concat(values), tf.concat(segments) as tf.Tensor1D, features.size).reshape([...shape]) as tf.Tensor4D;
  });
}

// ---- the atomic-scatter alternative to the deterministic backward --------------------------------------------

class AtomicScatterProgram implements WebGPUProgram {
  readonly variableNames = ['dy', 'argmax', 'rois'];
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly atomic = true;
  readonly size = false;
  readonly uniforms = 'numThreads : i32,';
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  shaderKey = 'frcnn_bench_roiPool_atomicScatter';

  constructor(featuresShape: number[], threads: number) {
    this.outputShape = featuresShape;
    this.dispatchLayout = webgpu_util.flatDispatchLayout([threads]);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, [threads], this.workgroupSize);
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.numThreads) { return; }
        let at = argmax[index];
        if (at < 0) { return; }
        let numChannels = uniforms.dyShape.w;
        let r = index / (numChannels * uniforms.dyShape.y * uniforms.dyShape.z);
        let plane = i32(f32(rois[r * 5])) * uniforms.outShape.y * uniforms.outShape.z;
        let cell = (plane + at) * numChannels + index % numChannels;
        var old = atomicLoad(&result[cell]);
        loop {
          let sum = bitcast<i32>(bitcast<f32>(old) + dy[index]);
          let swap = atomicCompareExchangeWeak(&result[cell], old, sum);
          if (swap.exchanged) { break; }
          old = swap.old_value;
        }
      }
    `;
  }
}

export function atomicBackward(dy: tf.Tensor4D, features: tf.Tensor4D, rois: tf.Tensor2D, attrs: RoiPoolAttrs): tf.Tensor {
  const b = backend();
  const threads = dy.size;
  const bins = runBins(b, rois, features.shape, attrs);
  const argmax = b.runWebGPUProgram(new RoiPoolForwardProgram(dy.shape, 'argmax'), [features, rois, bins], 'int32');
  const fill = tf.getKernel('Fill', 'webgpu')!.kernelFunc({ backend: b, inputs: {}, attrs: { shape: features.shape, value: 0, dtype: 'float32' } }) as tf.TensorInfo;
  const dx = b.runWebGPUProgram(new AtomicScatterProgram(features.shape, threads), [dy, argmax, rois], 'float32', [{ type: 'int32', data: [threads] }], fill);
  b.disposeData(bins.dataId);
  b.disposeData(argmax.dataId);
  return tf.engine().makeTensorFromTensorInfo(dx);
}

// ---- one configuration ----------------------------------------------------------------------------------------

async function maxDifference(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [x, y] = [await a.data(), await b.data()];
  let worst = 0;
  for (let i = 0; i < x.length; i += 1) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  return worst;
}

let variants: Record<Variant, () => tf.Tensor | void> | null = null;
let disposeInputs: () => void = () => undefined;

/** Makes one configuration's inputs, checks that every variant computes the same result, and keeps them for timeVariant. */
export async function prepareBench(c: BenchConfig): Promise<PreparedBench> {
  disposeInputs();
  const attrs: RoiPoolAttrs = { pooledHeight: c.pooled, pooledWidth: c.pooled, spatialScale: c.spatialScale };
  const random = uniform(c.channels);
  const shape: FeatureShape = [1, c.mapHeight, c.mapWidth, c.channels];
  const features = tf.tensor4d(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => random()), [...shape]);
  const roiValues = benchRois(c);
  const rois = tf.tensor2d(roiValues, [c.numRois, 5]);
  const dy = tf.randomUniform([c.numRois, c.pooled, c.pooled, c.channels], -1, 1, 'float32', 3) as tf.Tensor4D;
  disposeInputs = () => tf.dispose([features, rois, dy]);
  variants = {
    forwardKernel: () => roiPool(features, rois, c.pooled, c.pooled, c.spatialScale),
    forwardStock: () => stockForward(features, roiValues, attrs),
    backwardKernel: () => tf.engine().runKernel(RoiPoolGrad, { dy, features, rois }, toAttrMap(attrs)) as tf.Tensor,
    backwardAtomic: () => atomicBackward(dy, features, rois, attrs),
    backwardStock: () => stockBackward(dy, features, roiValues, attrs),
  };

  const [y, yStock, dx, dxStock, dxAtomic] = (['forwardKernel', 'forwardStock', 'backwardKernel', 'backwardStock', 'backwardAtomic'] as const).map(
    (name) => variants![name]() as tf.Tensor,
  );
  const stockMaxDifference = { forward: await maxDifference(y, yStock), backward: await maxDifference(dx, dxStock) };
  const atomicDifference = await maxDifference(dx, dxAtomic);
  tf.dispose([y, yStock, dx, dxStock, dxAtomic]);
  if (stockMaxDifference.forward !== 0 || stockMaxDifference.backward > 1e-4 || atomicDifference > 1e-4) {
    throw new Error(`the variants disagree: ${JSON.stringify({ ...stockMaxDifference, atomicDifference })}`);
  }

  const [xBytes, roiBytes, yBytes] = [4 * features.size, 4 * roiValues.length, 4 * c.numRois * c.pooled * c.pooled * c.channels];
  const { tileSize, numChunks } = planBackward([...shape], c.numRois, minBackwardThreads(backend()));
  return {
    numRois: c.numRois,
    channels: c.channels,
    tileSize,
    numChunks,
    forwardBytes: xBytes + roiBytes + yBytes,
    backwardBytes: yBytes + xBytes + roiBytes + xBytes,
    stockMaxDifference,
  };
}

/** Wall time (ms) of one call of a variant of the prepared configuration. */
export function timeVariant(name: Variant): Promise<number> {
  if (variants == null) throw new Error('prepareBench first');
  return timeOnce(variants[name]);
}

export function disposeBench(): void {
  disposeInputs();
  disposeInputs = () => undefined;
  variants = null;
}

/** Read + write bandwidth of a plain GPU buffer-to-buffer copy of `bytes` bytes (GB/s, 1e9 bytes). */
export async function copyBandwidth(bytes: number, runs: number): Promise<number> {
  const device = backend().device;
  const size = Math.ceil(bytes / 4) * 4;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const [source, target] = [device.createBuffer({ size, usage }), device.createBuffer({ size, usage })];
  const copy = () => {
    const encoder = device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, 0, target, 0, size);
    device.queue.submit([encoder.finish()]);
  };
  const times: number[] = [];
  for (let i = 0; i <= runs; i += 1) times.push(await timeOnce(copy));
  const ms = times.slice(1).sort((a, b) => a - b)[Math.floor(runs / 2)]; // after a warm-up call
  source.destroy();
  target.destroy();
  return (2 * size) / (ms * 1e6);
}
