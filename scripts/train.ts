/**
 * npm run train -- --dataset <dir> [--train-split <name|list|csv>] [--test-split <name|list|csv>] --out <dir>
 *   [--iterations N] [--backend wasm|webgl|webgpu|cpu] [--feature-backend wasm|...] [--scale 600] [--lr 0.001]
 *   [--proposals fast|quality] [--proposal-max-side 500] [--max-proposals 2000] [--svd-fc6 R] [--svd-fc7 R]
 *   [--fc6 256] [--fc7 256] [--dropout 0.5] [--no-flip] [--stage-wise N] [--no-eval] [--cache-dir DIR] [--verbose]
 *   [--box-voting IoU] (the saved model votes each detection's box among overlapping candidates, src/model/box_voting.ts)
 *   [--fg-balance uniform|per-class] (foreground RoIs of an image: uniform as in the paper, or an equal share per class)
 *   [--test-flips none|h|v|hv|h,v,hv] (the saved model also scores mirrored views of each image and averages them,
 *   src/model/test_flips.ts) [--vertical-flips] (also train on vertically flipped copies: microscopy, aerial views)
 *   [--bg-thresh-lo 0.1] (background RoIs have IoU in [this, 0.5) with a gt box; the paper's 0.1, Detectron's 0)
 *   [--proposals-only] (fill the proposal cache and stop) [--trainable fc|<first conv block, e.g. expanded_conv_11>] (conv fine-tuning needs --backend webgl|webgpu|cpu)
 *
 * Fine-tunes Fast R-CNN in headless Chromium through the same Web Worker the app uses (src/training/worker.ts):
 * proposals (cached on disk), frozen-backbone features (cached in the worker), SGD, held-out VOC evaluation, then
 * writes <out>/model.json + <out>/weights.bin. Logs and the per-class AP table go to stderr; stdout is one JSON
 * line {"iterations", "seconds", "out"}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HEAD } from '../src/model/defaults';
import { DEFAULT_TRAIN_CONFIG, checkpointInterval, scaledSolver } from '../src/training/defaults';
import type { WireJob } from '../src/training/headless';
import type { EvaluationSummary, TrainBackend, TrainProgress } from '../src/training/protocol';
import type { Flip } from '../src/geometry/flip';
import { loadDatasetDir } from './lib/load_dataset';
import { parseTestFlips } from './lib/test_flips_arg';
import { DEFAULT_CACHE_DIR, ProposalCache, runInBrowser, wireImages } from './lib/train_job';
import { formatApTable, formatProgress } from './lib/train_report';

const { values: a } = parseArgs({
  options: {
    dataset: { type: 'string' }, 'train-split': { type: 'string' }, 'test-split': { type: 'string' }, out: { type: 'string' },
    iterations: { type: 'string', default: '1000' }, backend: { type: 'string', default: 'wasm' }, 'feature-backend': { type: 'string', default: 'wasm' },
    scale: { type: 'string', default: '600' }, 'max-size': { type: 'string', default: '1000' }, lr: { type: 'string', default: '0.001' },
    proposals: { type: 'string', default: 'fast' }, 'proposal-max-side': { type: 'string', default: '500' }, 'max-proposals': { type: 'string', default: '2000' },
    'svd-fc6': { type: 'string' }, 'svd-fc7': { type: 'string' }, fc6: { type: 'string' }, fc7: { type: 'string' }, dropout: { type: 'string' },
    reduce: { type: 'string' }, 'no-flip': { type: 'boolean', default: false }, 'stage-wise': { type: 'string' }, 'no-eval': { type: 'boolean', default: false },
    'cache-dir': { type: 'string', default: DEFAULT_CACHE_DIR }, seed: { type: 'string', default: '3' }, verbose: { type: 'boolean', default: false },
    'log-every': { type: 'string', default: '25' }, trainable: { type: 'string', default: 'fc' },
    'proposals-only': { type: 'boolean', default: false }, 'fg-balance': { type: 'string', default: 'uniform' },
    'box-voting': { type: 'string' }, 'test-flips': { type: 'string' }, 'vertical-flips': { type: 'boolean', default: false },
    'bg-thresh-lo': { type: 'string' },
  },
});

function fail(message: string): never {
  process.stderr.write(`train: ${message}\n`);
  process.exit(2);
}

const num = (name: keyof typeof a): number | undefined => (a[name] === undefined ? undefined : Number(a[name]));
if (!a.dataset || !a.out) fail('usage: npm run train -- --dataset <dir> --out <dir> [--train-split X] [--test-split Y] [--iterations N]');
const backends = ['wasm', 'webgl', 'webgpu', 'cpu'];
const voting = a['box-voting'] === undefined ? undefined : Number(a['box-voting']);
if (voting !== undefined && !(voting > 0 && voting <= 1)) fail('--box-voting must be an IoU in (0, 1], e.g. 0.5');
if (a['fg-balance'] !== 'uniform' && a['fg-balance'] !== 'per-class') fail('--fg-balance must be uniform or per-class');
const bgLo = num('bg-thresh-lo') ?? DEFAULT_TRAIN_CONFIG.sampling.bgThreshLo;
if (!(bgLo >= 0 && bgLo < DEFAULT_TRAIN_CONFIG.sampling.bgThreshHi)) fail(`--bg-thresh-lo must be in [0, ${DEFAULT_TRAIN_CONFIG.sampling.bgThreshHi})`);
let testFlips: Flip[] | undefined;
try {
  testFlips = a['test-flips'] === undefined ? undefined : parseTestFlips(a['test-flips']);
} catch (error) {
  fail((error as Error).message);
}
if (!backends.includes(a.backend!) || !backends.includes(a['feature-backend']!)) fail(`--backend must be one of ${backends.join(', ')}`);

const t0 = performance.now();
const log = (line: string) => process.stderr.write(`${line}\n`);
const defaultSplit = async (names: string[]) => {
  const all = await loadDatasetDir(a.dataset!);
  return names.find((n) => all.splits.has(n));
};
const trainSplit = a['train-split'] ?? (await defaultSplit(['trainval', 'train']));
const testSplit = a['test-split'] ?? (await defaultSplit(['test']));
const train = await loadDatasetDir(a.dataset!, { split: trainSplit });
const test = testSplit && !a['no-eval'] ? await loadDatasetDir(a.dataset!, { split: testSplit }) : undefined;
const classNames = train.dataset.classNames;
log(`train: ${train.dataset.records.length} images (${trainSplit ?? 'all'}), classes ${classNames.join(', ')}` +
  (test ? `; test: ${test.dataset.records.length} images (${testSplit})` : '; no test split'));

const cache = new ProposalCache(resolve(a['cache-dir']!), { mode: a.proposals!, maxSide: num('proposal-max-side')! });
const iterations = num('iterations')!;
const head = {
  ...DEFAULT_HEAD,
  ...(a.fc6 ? { fc6: Number(a.fc6) } : {}), ...(a.fc7 ? { fc7: Number(a.fc7) } : {}),
  ...(a.dropout ? { dropoutRate: Number(a.dropout) } : {}), ...(a.reduce ? { reduceChannels: Number(a.reduce) } : {}),
};
const job: WireJob = {
  runId: `cli-${Date.now()}`,
  mode: a['proposals-only'] ? 'proposals' : 'train',
  classNames,
  train: wireImages(train.dataset, train.imagePaths, classNames, cache),
  test: test ? wireImages(test.dataset, test.imagePaths, classNames, cache) : [],
  config: {
    ...DEFAULT_TRAIN_CONFIG,
    solver: { ...scaledSolver(iterations), baseLr: num('lr')! },
    sampling: { ...DEFAULT_TRAIN_CONFIG.sampling, fgBalance: a['fg-balance'] as 'uniform' | 'per-class', bgThreshLo: bgLo },
    useFlipped: !a['no-flip'], useVerticalFlips: a['vertical-flips'], scale: num('scale')!, maxSize: num('max-size')!, seed: num('seed')!,
    // a headless run is never reloaded; on WebGPU checkpoints let it resume after a lost device (src/training/recovery.ts)
    checkpointEvery: a.backend === 'webgpu' ? checkpointInterval(iterations) : 0,
    trainable: a.trainable === 'fc' ? { kind: 'fc' } : { kind: 'conv', firstLayer: a.trainable! },
  },
  head,
  backend: a.backend as TrainBackend,
  featureBackend: a['feature-backend'] as TrainBackend,
  proposalMode: a.proposals as 'fast' | 'quality',
  proposalMaxSide: num('proposal-max-side')!,
  maxProposals: num('max-proposals')!,
  resume: false,
  evaluateAtEnd: Boolean(test),
  svdRanks: { fc6: num('svd-fc6') ?? null, fc7: num('svd-fc7') ?? null },
  detect: { ...(voting !== undefined ? { boxVotingIou: voting } : {}), ...(testFlips ? { testFlips } : {}) },
  stageWiseLocIterations: num('stage-wise'),
};
const cached = [...job.train, ...job.test].filter((i) => i.proposals).length;
log(`proposals: ${cached}/${job.train.length + job.test.length} cached in ${cache.dir}`);

const imagePaths = new Map([...train.imagePaths, ...(test?.imagePaths ?? [])]);
let summary: { iterations: number; seconds: number; phaseSeconds: Record<string, number>; backend?: string } | undefined;
const logEvery = num('log-every')!;
let lastPhase = '';
await runInBrowser(job, {
  verbose: a.verbose!, cache, imagePaths,
  onEvent: (event) => {
    switch (event.type) {
      case 'phase':
        if (event.phase !== lastPhase || event.done === event.total || event.done % 50 === 0) log(`${event.phase}: ${event.done}/${event.total}${event.detail ? ` (${event.detail})` : ''}`);
        lastPhase = event.phase;
        break;
      case 'progress': {
        const p = event.progress as TrainProgress;
        if (p.iteration % logEvery === 0 || p.iteration === p.iterations || p.iteration === 1) log(formatProgress(p));
        break;
      }
      case 'evaluation':
        log(formatApTable(event.result as EvaluationSummary));
        break;
      case 'notice':
        log(event.message);
        break;
      case 'model': {
        const out = resolve(a.out!);
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, 'model.json'), event.modelJson);
        writeFileSync(join(out, 'weights.bin'), Buffer.from(event.weights, 'base64'));
        log(`model written to ${out} (${(Buffer.from(event.weights, 'base64').length / 2 ** 20).toFixed(2)} MB of weights)`);
        break;
      }
      case 'done':
        summary = event.summary as typeof summary;
        break;
    }
  },
});
const seconds = (performance.now() - t0) / 1000;
if (summary) log(`phases (s): ${Object.entries(summary.phaseSeconds).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; total ${seconds.toFixed(1)} s${summary.backend ? ` (SGD on ${summary.backend})` : ''}`);
process.stdout.write(`${JSON.stringify({ iterations: summary?.iterations ?? 0, seconds: Math.round(seconds * 10) / 10, out: resolve(a.out!) })}\n`);
