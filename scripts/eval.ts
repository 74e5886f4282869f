/**
 * npm run eval -- --model <dir> --dataset <dir> [--split <name|list|csv>] [--json] [--backend wasm|webgl|webgpu|cpu]
 *   [--proposals fast|quality] [--proposal-max-side 500] [--max-proposals 2000] [--cache-dir DIR] [--verbose]
 *   [--scale S] [--max-size M] (test at another scale than the model's own, e.g. to measure scale sensitivity)
 *   [--test-flips none|h|v|hv|h,v,hv] [--box-voting IoU|off] (override the model's own post-processing)
 *
 * Loads a saved detector (<dir>/model.json + weights.bin, src/model/weights_io.ts format), runs it in headless
 * Chromium through the training worker's evaluation path (same backbone, head and post-processing as the app)
 * on the split's images with selective-search proposals (cached on disk), and prints the per-class AP table and
 * the mAP; with --json, one JSON object {"images", "metric": {"voc07": {...}, "area": {...}}, "secondsPerImage"}.
 * --detections FILE also writes every detection, [{"image", "className", "score", "box": [x1, y1, x2, y2]}] in
 * continuous pixels of the original image, for error analysis.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DetectOptions, DetectorConfig } from '../src/model/defaults';
import type { Flip } from '../src/geometry/flip';
import { parseTestFlips } from './lib/test_flips_arg';
import { buildEvaluationJob } from '../src/training/job_builder';
import type { WireJob } from './lib/wire_job';
import type { EvaluationSummary, TrainBackend } from '../src/training/protocol';
import { loadDatasetDir } from './lib/load_dataset';
import { DEFAULT_CACHE_DIR, ProposalCache, runInBrowser, wireImages } from './lib/train_job';
import { formatApTable } from './lib/train_report';
import { userPath } from './lib/user_path';

const { values: a } = parseArgs({
  options: {
    model: { type: 'string' }, dataset: { type: 'string' }, split: { type: 'string' }, json: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' }, 'feature-backend': { type: 'string', default: 'wasm' },
    proposals: { type: 'string', default: 'fast' }, 'proposal-max-side': { type: 'string', default: '500' }, 'max-proposals': { type: 'string', default: '2000' },
    scale: { type: 'string' }, 'max-size': { type: 'string' }, 'test-flips': { type: 'string' }, 'box-voting': { type: 'string' },
    'cache-dir': { type: 'string', default: DEFAULT_CACHE_DIR }, detections: { type: 'string' }, verbose: { type: 'boolean', default: false },
  },
});

const log = (line: string) => process.stderr.write(`${line}\n`);
const fail = (message: string): never => {
  log(`eval: ${message}`);
  process.exit(2);
};
if (!a.model || !a.dataset) {
  log('usage: npm run eval -- --model <dir> --dataset <dir> [--split <name|list|csv>] [--json] [--detections FILE]');
  process.exit(2);
}
const modelDir = userPath(a.model);
const modelJson = readFileSync(join(modelDir, 'model.json'), 'utf8');
const weights = readFileSync(join(modelDir, 'weights.bin'));
const config = (JSON.parse(modelJson) as { modelTopology: { config: DetectorConfig } }).modelTopology.config;
const datasetDir = userPath(a.dataset);
const all = await loadDatasetDir(datasetDir);
const split = a.split ?? (all.splits.has('test') ? 'test' : undefined);
const test = split ? await loadDatasetDir(datasetDir, { split }) : all;
const classNames = config.classNames;
const unknown = test.dataset.classNames.filter((n) => !classNames.includes(n));
if (unknown.length) log(`eval: classes not in the model are ignored: ${unknown.join(', ')}`);
log(`eval: ${test.dataset.records.length} images (${split ?? 'all'}), model classes ${classNames.join(', ')}`);
const cache = new ProposalCache(userPath(a['cache-dir']!), { mode: a.proposals!, maxSide: Number(a['proposal-max-side']) });
const job: WireJob = {
  ...buildEvaluationJob(wireImages(test.dataset, test.imagePaths, classNames, cache), {
    runId: `eval-${Date.now()}`,
    config,
    backend: a.backend as TrainBackend,
    featureBackend: a['feature-backend'] as TrainBackend,
    proposalMode: a.proposals as 'fast' | 'quality',
    proposalMaxSide: Number(a['proposal-max-side']),
    maxProposals: Number(a['max-proposals']),
    ...(a.scale && { scale: Number(a.scale) }),
    ...(a['max-size'] && { maxSize: Number(a['max-size']) }),
    detect: detectOverrides(),
  }),
  model: { modelJson, weights: weights.toString('base64') }, // base64 across the page boundary (lib/wire_job.ts)
};
function detectOverrides(): Partial<DetectOptions> {
  const out: { testFlips?: Flip[]; boxVotingIou?: number | null } = {};
  if (a['test-flips'] !== undefined) {
    try {
      out.testFlips = parseTestFlips(a['test-flips']);
    } catch (error) {
      fail((error as Error).message);
    }
  }
  if (a['box-voting'] !== undefined) {
    const iou = a['box-voting'] === 'off' ? null : Number(a['box-voting']);
    if (iou !== null && !(iou > 0 && iou <= 1)) fail('--box-voting must be an IoU in (0, 1] or off');
    out.boxVotingIou = iou;
  }
  return out;
}

let result: EvaluationSummary | undefined;
await runInBrowser(job, {
  verbose: a.verbose!, cache, imagePaths: test.imagePaths,
  onEvent: (event) => {
    if (event.type === 'phase' && (event.done === event.total || event.done % 50 === 0)) log(`${event.phase}: ${event.done}/${event.total}`);
    if (event.type === 'evaluation') result = event.result as EvaluationSummary;
  },
});
if (!result) {
  log('eval: no evaluation result (no test image?)');
  process.exit(1);
}
const { detections, ...summary } = result;
if (a.detections) {
  writeFileSync(userPath(a.detections), JSON.stringify(detections ?? []));
  log(`eval: ${detections?.length ?? 0} detections written to ${userPath(a.detections)}`);
}
if (a.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
else process.stdout.write(`${formatApTable(summary)}\n`);
