/**
 * npm run train -- --dataset <dir> --out <dir> [--train-split <name|list|csv>] [--val-split <name|list|csv|none>]
 *   [--test-split <name|list|csv>] [--budget-minutes 15] [--backend wasm|webgl|webgpu|cpu] [--feature-backend wasm|...]
 *   [--cache-dir DIR] [--no-eval] [--verbose] [--proposals-only]
 *   and any of the recipe's settings, each overriding what the recipe chose (src/training/recipe.ts):
 *   [--iterations N] [--lr 0.01] [--scale 600] [--max-size 1000] [--dropout 0] [--trainable fc|expanded_conv_12]
 *   [--fg-balance uniform|per-class] [--bg-thresh-lo 0.1] [--box-voting IoU|off] [--no-flip] [--vertical-flips]
 *   [--proposals fast|quality|rpn] [--proposal-max-side 500] [--max-proposals 2000] [--seed 3] [--fc6 256] [--fc7 256]
 *   [--reduce 128] [--svd-fc6 R] [--svd-fc7 R] [--stage-wise N] [--test-flips none|h|v|hv|h,v,hv]
 *   [--retrain | --no-retrain] (after validation chose the iteration, train again on train + validation images)
 *
 * With no setting given, the recommended recipe for the set is used: derived from its images and boxes, and a time
 * budget. Validation: the set's validation split (`val` beside `train`, or --val-split), else a stratified fifth of
 * the training images; its mAP is measured during the run and the run ends with the weights of its best evaluation.
 * The test split is evaluated once, at the end. Everything runs in headless Chromium through the same Web Worker the
 * app uses (src/training/worker.ts). Logs go to stderr; stdout is one JSON line
 * {"images", "validationImages", "classes", "iterations", "chosenIteration", "validationMap", "testMap", "seconds", "out"}
 * (images: train and validation; validationMap: the kept weights' validation VOC07 mAP; testMap: VOC07 mAP on the
 * test split, null without one).
 * --proposals rpn also trains a Region Proposal Network with the head (issue 18: its loss joins the head's in each step;
 * the head still learns from fast selective search's proposals), so the model can detect with proposalMode 'rpn'.
 * --model <dir> --rpn-only [--iterations N] [--lr 0.001] [--no-flip] [--anchor-scales 2,2.83,4] [--rpn-top-n 300] [--rpn-nms 0.7]
 * trains only an RPN on that saved model's map and writes the saved model with the RPN added to --out: its head,
 * reduce conv and backbone are copied unchanged (src/training/job_builder.ts buildRpnOnlyJob). No validation or test
 * evaluation runs inside (the head's mAP cannot change): measure the RPN with `npm run proposals:eval -- --mode rpn`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { WireImage, WireJob } from './lib/wire_job';
import { DEFAULT_PROPOSAL_MAX_SIDE } from '../src/proposals/modes';
import { buildRpnOnlyJob, buildTrainJob } from '../src/training/job_builder';
import type { DetectorConfig } from '../src/model/defaults';
import { describeRecipe, type RecipeOverrides } from '../src/training/recipe';
import type { DoneSummary, EvaluationSummary, TrainBackend, TrainProgress, ValidationPoint } from '../src/training/protocol';
import type { Flip } from '../src/geometry/flip';
import { parseTestFlips } from './lib/test_flips_arg';
import { DEFAULT_CACHE_DIR, describePlan, planRun, ProposalCache, runInBrowser } from './lib/train_job';
import { formatApTable, formatProgress } from './lib/train_report';
import { userPath } from './lib/user_path';
import { failer, numericFlags } from './lib/cli_flags';

const { values: a } = parseArgs({
  options: {
    dataset: { type: 'string' }, 'train-split': { type: 'string' }, 'val-split': { type: 'string' }, 'test-split': { type: 'string' }, out: { type: 'string' },
    'budget-minutes': { type: 'string' }, backend: { type: 'string', default: 'wasm' }, 'feature-backend': { type: 'string' },
    iterations: { type: 'string' }, scale: { type: 'string' }, 'max-size': { type: 'string' }, lr: { type: 'string' },
    proposals: { type: 'string' }, 'proposal-max-side': { type: 'string' }, 'max-proposals': { type: 'string' },
    'svd-fc6': { type: 'string' }, 'svd-fc7': { type: 'string' }, fc6: { type: 'string' }, fc7: { type: 'string' }, dropout: { type: 'string' },
    reduce: { type: 'string' }, 'no-flip': { type: 'boolean', default: false }, 'stage-wise': { type: 'string' }, 'no-eval': { type: 'boolean', default: false },
    'cache-dir': { type: 'string', default: DEFAULT_CACHE_DIR }, seed: { type: 'string' }, verbose: { type: 'boolean', default: false },
    'log-every': { type: 'string', default: '25' }, trainable: { type: 'string' },
    'proposals-only': { type: 'boolean', default: false }, 'fg-balance': { type: 'string' },
    'box-voting': { type: 'string' }, 'test-flips': { type: 'string' }, 'vertical-flips': { type: 'boolean', default: false },
    'bg-thresh-lo': { type: 'string' }, retrain: { type: 'boolean' }, 'no-retrain': { type: 'boolean' },
    model: { type: 'string' }, 'rpn-only': { type: 'boolean', default: false }, 'anchor-scales': { type: 'string' }, 'rpn-top-n': { type: 'string' }, 'rpn-nms': { type: 'string' },
  },
});

// annotated: TypeScript narrows after a never-returning call only through a declared type
const fail: (message: string) => never = failer('train');
/** A numeric flag, checked: undefined when not given. */
const num = numericFlags(a, fail);
if (!a.dataset || !a.out) fail('usage: npm run train -- --dataset <dir> --out <dir> [--train-split X] [--val-split Y|none] [--test-split Z] [--iterations N]');
const backends = ['wasm', 'webgl', 'webgpu', 'cpu'];
if (!backends.includes(a.backend!) || (a['feature-backend'] && !backends.includes(a['feature-backend']))) fail(`--backend must be one of ${backends.join(', ')}`);
if (a['fg-balance'] !== undefined && a['fg-balance'] !== 'uniform' && a['fg-balance'] !== 'per-class') fail('--fg-balance must be uniform or per-class');
if (a.proposals !== undefined && !['fast', 'quality', 'rpn'].includes(a.proposals)) fail('--proposals must be fast, quality or rpn');
const withRpn = a.proposals === 'rpn';
const selectiveSearch = withRpn ? undefined : (a.proposals as RecipeOverrides['proposalMode']);
const positive = (v: number) => v > 0;
const voting = a['box-voting'] === 'off' ? null : num('box-voting', (v) => v > 0 && v <= 1, 'an IoU in (0, 1], e.g. 0.5, or off');
let testFlips: Flip[] | undefined;
try {
  testFlips = a['test-flips'] === undefined ? undefined : parseTestFlips(a['test-flips']);
} catch (error) {
  fail((error as Error).message);
}
const overrides: RecipeOverrides = {
  iterations: num('iterations', (v) => Number.isInteger(v) && v > 0, 'a positive whole number'),
  learningRate: num('lr', positive, 'a positive number'),
  scale: num('scale', (v) => v >= 16, 'at least 16 (pixels)'),
  maxSize: num('max-size', (v) => v >= 16, 'at least 16 (pixels)'),
  dropout: num('dropout', (v) => v >= 0 && v < 1, 'in [0, 1)'),
  trainable: a.trainable,
  fgBalance: a['fg-balance'] as RecipeOverrides['fgBalance'],
  bgThreshLo: num('bg-thresh-lo', (v) => v >= 0 && v < 0.5, 'in [0, 0.5)'),
  ...(a['no-flip'] && { flip: false }),
  ...(a['vertical-flips'] && { verticalFlip: true }),
  ...(voting !== undefined && { boxVotingIou: voting }),
  proposalMode: selectiveSearch,
  proposalMaxSide: num('proposal-max-side', (v) => v >= 32, 'at least 32 (pixels)'),
  maxProposals: num('max-proposals', (v) => Number.isInteger(v) && v > 0, 'a positive whole number'),
  seed: num('seed', Number.isInteger, 'a whole number'),
  ...(a.retrain && { retrainOnAll: true }), ...(a['no-retrain'] && { retrainOnAll: false }),
  head: {
    ...(a.fc6 && { fc6: num('fc6', positive) }), ...(a.fc7 && { fc7: num('fc7', positive) }),
    ...(a.reduce && { reduceChannels: num('reduce', positive) }),
  },
};
const budgetMinutes = num('budget-minutes', positive, 'a positive number of minutes');
const rpnOnly = a['rpn-only']!;
if (rpnOnly !== (a.model !== undefined)) fail('--rpn-only trains an RPN on a saved model: give both --model <dir> and --rpn-only');
const anchorScales = a['anchor-scales']?.split(',').map(Number);
if (anchorScales && !anchorScales.every((v) => v > 0)) fail(`--anchor-scales must be positive numbers separated by commas, e.g. 2,2.83,4; got ${a['anchor-scales']}`);
const rpnTopN = num('rpn-top-n', (v) => Number.isInteger(v) && v > 0, 'a positive whole number');
const rpnNms = num('rpn-nms', (v) => v > 0 && v <= 1, 'an IoU in (0, 1]');
if (!rpnOnly && (anchorScales || rpnTopN !== undefined || rpnNms !== undefined)) fail('--anchor-scales, --rpn-top-n and --rpn-nms go with --rpn-only');

const t0 = performance.now();
const log = (line: string) => process.stderr.write(`${line}\n`);
const outDir = userPath(a.out!);
const cache = new ProposalCache(userPath(a['cache-dir']!), { mode: selectiveSearch ?? 'fast', maxSide: overrides.proposalMaxSide ?? DEFAULT_PROPOSAL_MAX_SIDE });
const plan = await planRun({
  datasetDir: userPath(a.dataset!), splits: { train: a['train-split'], validation: a['val-split'], test: a['test-split'] },
  cache, overrides, budgetMinutes, withTest: !a['no-eval'],
}).catch((error: Error) => fail(error.message));
const { classNames, split, recipe, sizes } = plan;
const testSplit = plan.splitNames.test;
for (const line of describePlan(plan)) log(line);
if (!rpnOnly) {
  log(`recipe (about ${Math.round(recipe.estimatedSeconds / 60)} min on a 2-core machine):`);
  for (const line of describeRecipe(recipe)) log(`  ${line}`);
}

const backend = a.backend as TrainBackend;
const iterations = recipe.config.solver.iterations;
const built: Omit<WireJob, 'model'> = rpnOnly ? rpnOnlyJob() : withoutModel(buildTrainJob<WireImage>(classNames, { train: split.train, validation: split.validation, test: plan.test }, recipe, {
  runId: `cli-${Date.now()}`,
  mode: a['proposals-only'] ? 'proposals' : 'train',
  backend,
  featureBackend: (a['feature-backend'] ?? 'wasm') as TrainBackend,
  // a headless run is never reloaded; on WebGPU checkpoints let it resume after a lost device (src/training/recovery.ts)
  checkpointEvery: backend === 'webgpu' ? recipe.config.checkpointEvery : 0,
  svdRanks: { fc6: num('svd-fc6', positive) ?? null, fc7: num('svd-fc7', positive) ?? null },
  testFlips,
  stageWiseLocIterations: num('stage-wise', (v) => Number.isInteger(v) && v > 0, 'a positive whole number'),
  ...(withRpn && { proposals: 'rpn' as const, sizes }),
}));
if (built.rpn) log(`RPN: anchor scales ${built.rpn.anchors.scales.map((v) => v.toFixed(2)).join(', ')} (sides ${built.rpn.anchors.scales.map((v) => Math.round(v * built.rpn!.anchors.baseSize)).join(', ')} px at ratio 1), ` +
  (rpnOnly ? `trained alone on ${a.model} for ${built.config.solver.iterations} iterations, top ${built.rpn.testProposals.postNmsTopN} after NMS at IoU ${built.rpn.testProposals.nmsIou} at test time` : 'trained with the head'));
// a command-line run starts from the pretrained backbone and a fresh head, or (--rpn-only) from the saved model
const job: WireJob = rpnOnly ? { ...built, model: savedModel() } : built;
const everyImage = [...job.train, ...(job.validation ?? []), ...job.test];
log(`proposals: ${everyImage.filter((i) => i.proposals).length}/${everyImage.length} cached in ${cache.dir}`);

function withoutModel<J extends { model?: unknown }>(job: J): Omit<J, 'model'> {
  const { model: _noModel, ...rest } = job;
  return rest;
}

/** The --rpn-only job: the saved model's classes must be the set's. */
function rpnOnlyJob() {
  const config = savedModelConfig();
  if (config.classNames.join('\n') !== classNames.join('\n')) fail(`--model ${a.model} detects ${config.classNames.join(', ')} but the set's classes are ${classNames.join(', ')}`);
  return buildRpnOnlyJob<WireImage>(split.train, {
    runId: `cli-rpn-${Date.now()}`, config, backend, featureBackend: (a['feature-backend'] ?? 'wasm') as TrainBackend, sizes,
    iterations: overrides.iterations ?? 2000, learningRate: overrides.learningRate, flip: !a['no-flip'], anchorScales, testTopN: rpnTopN, testNmsIou: rpnNms, seed: overrides.seed,
  });
}

function savedModelConfig(): DetectorConfig {
  return (JSON.parse(savedModel().modelJson) as { modelTopology: { config: DetectorConfig } }).modelTopology.config;
}

function savedModel(): { modelJson: string; weights: string } {
  const dir = userPath(a.model!);
  try {
    return { modelJson: readFileSync(join(dir, 'model.json'), 'utf8'), weights: readFileSync(join(dir, 'weights.bin')).toString('base64') };
  } catch (error) {
    return fail(`--model ${a.model}: cannot read model.json and weights.bin (${(error as Error).message})`);
  }
}

let summary: DoneSummary | undefined;
let testResult: EvaluationSummary | undefined;
const logEvery = num('log-every')!;
let lastPhase = '';
await runInBrowser(job, {
  verbose: a.verbose!, cache, imagePaths: plan.imagePaths,
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
        testResult = event.result as EvaluationSummary;
        log(`test split (${testSplit}), evaluated once:`);
        log(formatApTable(testResult));
        break;
      case 'validation': {
        const point = event.point as ValidationPoint;
        log(`validation mAP ${(100 * point.mAP).toFixed(1)}% at iteration ${point.iteration}/${iterations}`);
        break;
      }
      case 'notice':
        log(event.message);
        break;
      case 'model': {
        const out = outDir;
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, 'model.json'), event.modelJson);
        writeFileSync(join(out, 'weights.bin'), Buffer.from(event.weights, 'base64'));
        log(`model written to ${out} (${(Buffer.from(event.weights, 'base64').length / 2 ** 20).toFixed(2)} MB of weights)`);
        break;
      }
      case 'done':
        summary = event.summary as DoneSummary;
        break;
    }
  },
});
const seconds = (performance.now() - t0) / 1000;
if (summary) log(`phases (s): ${Object.entries(summary.phaseSeconds).map(([k, v]) => `${k} ${(v ?? 0).toFixed(1)}`).join(', ')}; total ${seconds.toFixed(1)} s${summary.backend ? ` (SGD on ${summary.backend})` : ''}`);
const best = summary?.validation?.find((p) => p.iteration === summary?.chosenIteration);
if (best) log(`validation chose iteration ${best.iteration} (validation mAP ${(100 * best.mAP).toFixed(1)}%)` +
  (summary?.retrained ? `; then trained again on all ${summary.retrained.images} images for ${summary.retrained.iterations} iterations` : '; its weights are the model\'s'));
const round3 = (v: number | undefined) => (v === undefined ? null : Math.round(v * 1000) / 1000);
process.stdout.write(`${JSON.stringify({
  images: split.train.length + split.validation.length, validationImages: split.validation.length, classes: classNames.length,
  retrainedIterations: summary?.retrained?.iterations ?? null, iterations: summary?.iterations ?? 0, chosenIteration: summary?.chosenIteration ?? summary?.iterations ?? 0,
  validationMap: round3(best?.mAP), testMap: round3(testResult?.metric.voc07.mAP), seconds: Math.round(seconds * 10) / 10, out: outDir,
})}\n`);
