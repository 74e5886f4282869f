/**
 * `npm run bench:nms [-- --iou 0.5 --runs 7 --seed 1 --json]`: time per call of our batchedNms
 * (src/geometry/nms.ts) against tfjs's tf.image.nonMaxSuppression run once per class (tfjs 4.22, cpu backend,
 * in Node), on the same random boxes. Prints a markdown table (or JSON with --json) and checks that both keep
 * the same boxes; exits 1 if they do not.
 */
import * as tf from '@tensorflow/tfjs';
import { batchedNms } from '../src/geometry/nms';

interface Options {
  readonly iou: number;
  readonly runs: number;
  readonly seed: number;
  readonly json: boolean;
}

interface Problem {
  readonly boxes: Float32Array; // [N, 4] x1, y1, x2, y2
  readonly scores: Float32Array;
  readonly classes: Int32Array;
  /** Per class: its boxes as tfjs wants them ([y1, x1, y2, x2]), its scores, and their indices in the input. */
  readonly perClass: { boxes: Float32Array; scores: Float32Array; indices: Int32Array }[];
}

interface Row {
  boxes: number;
  classes: number;
  oursMs: number;
  tfjsMs: number;
  /** Process CPU time per call (median): less disturbed than wall time when the machine is busy. */
  oursCpuMs: number;
  tfjsCpuMs: number;
  ratio: number;
  keptOurs: number;
  keptTfjs: number;
  sameBoxes: boolean;
  runs: number;
}

const SIZES: readonly (readonly [number, number])[] = [[2000, 1], [2000, 20], [20000, 1], [20000, 20]];
const IMAGE = { width: 1000, height: 800 };
const SIDE = { min: 16, max: 256 };
const SLOW_MS = 1000; // a warm-up slower than this gets only MIN_RUNS timed runs
const MIN_RUNS = 3;

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(argv[i + 1]) : fallback;
    if (!Number.isFinite(v)) throw new Error(`--${name} needs a number`);
    return v;
  };
  return { iou: value('iou', 0.5), runs: Math.max(1, Math.round(value('runs', 7))), seed: value('seed', 1), json: argv.includes('--json') };
}

/** Uniform random boxes inside the image (mulberry32, so every run and machine sees the same input). */
function makeProblem(n: number, numClasses: number, seed: number): Problem {
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const boxes = new Float32Array(4 * n);
  const scores = new Float32Array(n);
  const classes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const w = SIDE.min + (SIDE.max - SIDE.min) * rand();
    const h = SIDE.min + (SIDE.max - SIDE.min) * rand();
    const x = (IMAGE.width - w) * rand();
    const y = (IMAGE.height - h) * rand();
    boxes.set([x, y, x + w, y + h], 4 * i);
    scores[i] = rand();
    classes[i] = Math.floor(rand() * numClasses);
  }
  const perClass = Array.from({ length: numClasses }, (_, c) => {
    const indices = Int32Array.from(classes.keys()).filter((i) => classes[i] === c);
    const yx = new Float32Array(4 * indices.length);
    indices.forEach((i, k) => yx.set([boxes[4 * i + 1], boxes[4 * i], boxes[4 * i + 3], boxes[4 * i + 2]], 4 * k));
    return { boxes: yx, scores: Float32Array.from(indices, (i) => scores[i]), indices };
  });
  return { boxes, scores, classes, perClass };
}

function runOurs(p: Problem, iou: number): number[] {
  return Array.from(batchedNms(p.boxes, p.scores, p.classes, iou));
}

/** What a caller of tfjs has to do per class: make tensors, run NMS, read the indices back, dispose. */
function runTfjs(p: Problem, iou: number): number[] {
  const kept: number[] = [];
  for (const c of p.perClass) {
    if (c.indices.length === 0) continue;
    const selected = tf.tidy(() => {
      const boxes = tf.tensor2d(c.boxes, [c.indices.length, 4]);
      const scores = tf.tensor1d(c.scores);
      return tf.image.nonMaxSuppression(boxes, scores, c.indices.length, iou, -Infinity);
    });
    for (const k of selected.dataSync()) kept.push(c.indices[k]);
    selected.dispose();
  }
  return kept;
}

/** One warm-up call, then the median wall and CPU time of the timed calls; also returns the last result. */
function time(fn: () => number[], runs: number): { ms: number; cpuMs: number; result: number[]; runs: number } {
  let t0 = performance.now();
  let result = fn();
  const warmUp = performance.now() - t0;
  const n = warmUp > SLOW_MS ? Math.min(runs, MIN_RUNS) : runs;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < n; r++) {
    const c0 = process.cpuUsage();
    t0 = performance.now();
    result = fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: median(wall), cpuMs: median(cpu), result, runs: n };
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

function sameSet(a: number[], b: number[]): boolean {
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  return sa.length === sb.length && sa.every((v, i) => v === sb[i]);
}

function benchOne(n: number, numClasses: number, options: Options): Row {
  const problem = makeProblem(n, numClasses, options.seed);
  const ours = time(() => runOurs(problem, options.iou), options.runs);
  const theirs = time(() => runTfjs(problem, options.iou), options.runs);
  return {
    boxes: n,
    classes: numClasses,
    oursMs: ours.ms,
    tfjsMs: theirs.ms,
    oursCpuMs: ours.cpuMs,
    tfjsCpuMs: theirs.cpuMs,
    ratio: theirs.ms / ours.ms,
    keptOurs: ours.result.length,
    keptTfjs: theirs.result.length,
    sameBoxes: sameSet(ours.result, theirs.result),
    runs: Math.min(ours.runs, theirs.runs),
  };
}

function printTable(rows: Row[], options: Options): void {
  const f = (v: number) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
  console.log(
    `NMS, per call: random boxes in a ${IMAGE.width}x${IMAGE.height} image (sides ${SIDE.min}-${SIDE.max} px), uniform scores and` +
      ` classes, IoU threshold ${options.iou}, seed ${options.seed}; median of ${options.runs} runs after a warm-up` +
      ` (${MIN_RUNS} when a call takes over ${SLOW_MS / 1000} s). Node ${process.version}, tfjs ${tf.version.tfjs} on its '${tf.getBackend()}' backend.`,
  );
  console.log('');
  console.log('| boxes | classes | ours (ms) | tfjs per class (ms) | tfjs / ours | CPU ms: ours / tfjs | kept: ours | kept: tfjs | same boxes |');
  console.log('|------:|--------:|----------:|--------------------:|------------:|--------------------:|-----------:|-----------:|:----------:|');
  for (const r of rows) {
    const cells = [
      r.boxes.toLocaleString('en-US'),
      r.classes,
      f(r.oursMs),
      f(r.tfjsMs),
      `${r.ratio.toFixed(1)}x`,
      `${f(r.oursCpuMs)} / ${f(r.tfjsCpuMs)}`,
      r.keptOurs,
      r.keptTfjs,
      r.sameBoxes ? 'yes' : 'NO',
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
  console.log('');
  console.log(
    'tfjs suppresses when IoU >= threshold, ours (torchvision) when IoU > threshold; with random float boxes no IoU equals' +
      ' the threshold, so both must keep the same boxes. tfjs time includes making the per-class tensors and reading the' +
      ' indices back. Times are wall-clock medians; the CPU column is the process CPU time, steadier on a busy machine.',
  );
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  await tf.setBackend('cpu');
  await tf.ready();
  const rows = SIZES.map(([n, k]) => benchOne(n, k, options));
  if (options.json) console.log(JSON.stringify({ options, image: IMAGE, side: SIDE, node: process.version, tfjs: tf.version.tfjs, rows }, null, 2));
  else printTable(rows, options);
  const mismatched = rows.filter((r) => !r.sameBoxes);
  if (mismatched.length > 0) console.error(`kept boxes differ for: ${mismatched.map((r) => `${r.boxes}x${r.classes}`).join(', ')}`);
  return mismatched.length === 0 ? 0 : 1;
}

process.exitCode = await main();
