/**
 * `npm run bench:latency -- [--backends webgpu,webgl,wasm,cpu,auto] [--bccd 20] [--raccoon 5] [--cap-s 300]
 *   [--budget-s 840] [--slow-s 10] [--matmul 1024] [--bccd-dir DIR] [--raccoon-dir DIR] [--json] [--save FILE]
 *   [--verbose]`
 *
 * Detection latency per backend in headless Chromium (issue 17, item 5), through the library's public API
 * (createDetector({ model, backend }) then detector.detect(image)), one fresh page per backend since tfjs's backend
 * is page state: the first image after "ready" and the median of the warm ones (the first `--bccd` BCCD test images
 * with the shipped BCCD model, then the first `--raccoon` raccoon test images with the raccoon model), split by
 * stage from each result's timesMs; the network's FLOPs over the best tf.matMul rate measured on the same backend in
 * the same page as a physical-limit estimate, with the ratio; and the longest main-thread block during the
 * detections (gaps between animation frames, long-animation-frame entries).
 *
 * A backend whose second image takes over `--slow-s` seconds runs 2 images only; no image starts once a backend's
 * detections took `--cap-s` seconds or would pass it; backends run fastest-first so that `--budget-s` (the whole
 * run's time for detections) cuts the slow ones. The output says where either happened. Prints tables, or one
 * JSON object with --json (--save also writes it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { openHarness } from './lib/browser_session';
import { latencyRow, skippedRow, STAGES, summarize, type LatencyRow, type LatencySummary } from './lib/latency_summary';
import { fsUrl } from './lib/serve_dirs';
import { userPath } from './lib/user_path';
import type * as LatencyPage from './bench_latency_page';
import type { LatencyBackend, LatencyImage, LatencyPageOptions, LatencyPageResult } from './bench_latency_page';

const ALL_BACKENDS: readonly LatencyBackend[] = ['webgpu', 'webgl', 'wasm', 'cpu', 'auto'];
/** The order backends run in: the fast ones first, so that the whole run's budget falls on the slow ones. */
const RUN_ORDER: readonly LatencyBackend[] = ['wasm', 'auto', 'cpu', 'webgl', 'webgpu'];
const SHARED = fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const MODELS = { bccd: '/models/bccd/model.json', raccoon: '/models/raccoon/model.json' } as const;

interface Args {
  readonly backends: readonly LatencyBackend[];
  readonly bccd: number;
  readonly raccoon: number;
  readonly capMs: number;
  readonly budgetMs: number;
  readonly slowImageMs: number;
  readonly matMulMaxSize: number;
  readonly bccdDir: string;
  readonly raccoonDir: string;
  readonly json: boolean;
  readonly save: string | null;
  readonly verbose: boolean;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new Error(`--${name} needs a value`);
    return argv[i + 1];
  };
  const number = (name: string, fallback: number, min: number): number => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, got ${raw}`);
    return n;
  };
  const backends = (value('backends') ?? ALL_BACKENDS.join(',')).split(',').map((b) => b.trim()).filter(Boolean);
  for (const b of backends) {
    if (!ALL_BACKENDS.includes(b as LatencyBackend)) throw new Error(`--backends: unknown backend ${b} (known: ${ALL_BACKENDS.join(', ')})`);
  }
  const known = new Set(['--json', '--verbose', '--backends', '--bccd', '--raccoon', '--cap-s', '--budget-s', '--slow-s', '--matmul', '--bccd-dir', '--raccoon-dir', '--save']);
  const unknown = argv.filter((a, i) => a.startsWith('--') && !known.has(a) && !(i > 0 && known.has(argv[i - 1]) && !['--json', '--verbose'].includes(argv[i - 1])));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}`);
  const matMul = number('matmul', 1024, 128);
  if (!Number.isInteger(Math.log2(matMul))) throw new Error('--matmul must be a power of two');
  return {
    backends: [...new Set(backends)] as LatencyBackend[],
    bccd: Math.floor(number('bccd', 20, 0)),
    raccoon: Math.floor(number('raccoon', 5, 0)),
    capMs: 1000 * number('cap-s', 300, 1),
    budgetMs: 1000 * number('budget-s', 840, 1),
    slowImageMs: 1000 * number('slow-s', 10, 0),
    matMulMaxSize: matMul,
    bccdDir: value('bccd-dir') !== undefined ? userPath(value('bccd-dir') as string) : join(SHARED, 'bccd'),
    raccoonDir: value('raccoon-dir') !== undefined ? userPath(value('raccoon-dir') as string) : join(SHARED, 'raccoon'),
    json: argv.includes('--json'),
    save: value('save') !== undefined ? userPath(value('save') as string) : null,
    verbose: argv.includes('--verbose'),
  };
}

/** The first `count` ids of BCCD's VOC test split, and the first `count` files of raccoon's test CSV (in order, each once). */
function testImages(args: Args): { images: LatencyImage[]; dirs: string[] } {
  const bccdIds = readFileSync(join(args.bccdDir, 'ImageSets/Main/test.txt'), 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const csv = readFileSync(join(args.raccoonDir, 'test_labels.csv'), 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
  const raccoonFiles = [...new Set(csv.map((line) => line.split(',')[0].trim()))];
  if (bccdIds.length < args.bccd) throw new Error(`BCCD's test split has ${bccdIds.length} images, --bccd asks for ${args.bccd}`);
  if (raccoonFiles.length < args.raccoon) throw new Error(`raccoon's test list has ${raccoonFiles.length} images, --raccoon asks for ${args.raccoon}`);
  const bccdImages = join(args.bccdDir, 'JPEGImages');
  const raccoonImages = join(args.raccoonDir, 'images');
  const images: LatencyImage[] = [
    ...bccdIds.slice(0, args.bccd).map((id) => ({ set: 'bccd' as const, name: id, url: fsUrl(join(bccdImages, `${id}.jpg`)) })),
    ...raccoonFiles.slice(0, args.raccoon).map((file) => ({ set: 'raccoon' as const, name: basename(file, '.jpg'), url: fsUrl(join(raccoonImages, file)) })),
  ];
  if (images.length === 0) throw new Error('no images: --bccd 0 and --raccoon 0');
  return { images, dirs: [bccdImages, raccoonImages] };
}

/** One backend in a fresh browser context (its own page, storage and tfjs); the page is closed afterwards. */
async function runBackend(page: Page, baseUrl: string, options: LatencyPageOptions, hardLimitMs: number, log: (line: string) => void): Promise<LatencyPageResult> {
  await page.exposeFunction('benchLatencyProgress', (line: string) => log(`[${options.backend}] ${line}`));
  // the harness page starts the CPU backend (cheap, no GPU adapter); createDetector then chooses its own
  await retrying(async () => {
    await page.goto(`${baseUrl}/e2e/harness/index.html?backend=cpu`);
    await page.evaluate(() => window.harness.ready);
  });
  const run = page.evaluate(async (opts) => {
    const bench = (await window.harness.load('/scripts/bench_latency_page.ts')) as typeof LatencyPage;
    const report = (window as unknown as { benchLatencyProgress: (line: string) => void }).benchLatencyProgress;
    return bench.runLatency(opts, (line) => void report(line));
  }, options);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result after ${(hardLimitMs / 1000).toFixed(0)} s: the page was closed`)), hardLimitMs);
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
    run.catch(() => undefined); // closing the page rejects it
  }
}

/**
 * `work`, tried again twice: Vite answers 504 "Outdated Optimize Dep" to a page that loads while another Vite server
 * on this checkout (a test run, another command) re-optimizes the shared dependency cache; a reload then works.
 */
async function retrying<T>(work: () => Promise<T>, log: (line: string) => void = () => undefined): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt === 3) throw error;
      log(`retrying after: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}

function failedResult(backend: LatencyBackend, error: string, started: boolean): LatencyPageResult {
  return {
    requested: backend, backend: null, started, error, readyMs: 0, images: [], cut: null, matMul: [], matMulBackend: null,
    mainThread: { maxRafGapMs: 0, maxLongFrameMs: null, frames: 0 },
  };
}

const fmt = (v: number | null, digits = 0): string => (v === null ? '–' : v.toFixed(digits));

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

function label(row: LatencyRow): string {
  return row.backend === 'auto' ? `auto (${row.ran ?? 'none'})` : row.backend;
}

function report(summary: LatencySummary, args: Args, elapsedMs: number): string {
  const rows = summary.rows;
  const main = table([
    ['backend', 'images', 'ready s', 'first ms', 'warm median ms', 'network median ms', 'GFLOP', 'matMul GFLOP/s', 'limit ms', 'network ÷ limit', 'warm ÷ limit', 'max block ms', 'note'],
    ...rows.map((row) => {
      const note = [row.status !== 'ok' ? row.status : '', row.note ?? ''].filter(Boolean).join('; ');
      if (row.images === 0) return [label(row), '0', ...Array(10).fill(''), note];
      return [
        label(row), `${row.images} of ${row.imagesAsked}`, fmt(row.readyMs && row.readyMs / 1000, 1), fmt(row.firstMs), fmt(row.warmMedianMs),
        fmt(row.networkMedianMs), fmt(row.gflop, 1), fmt(row.matMulGflops, 1), fmt(row.limitMs), fmt(row.networkToLimit, 1),
        fmt(row.endToEndToLimit, 1), fmt(row.maxMainThreadBlockMs), note,
      ];
    }),
  ]);
  const stages = table([
    ['backend (stage medians, ms)', ...STAGES, 'bccd warm median', 'raccoon warm median', 'matMul on'],
    ...rows.filter((row) => row.stagesMs !== null).map((row) => [
      label(row), ...STAGES.map((s) => fmt(row.stagesMs![s])), fmt(row.bccdWarmMedianMs), fmt(row.raccoonWarmMedianMs), row.matMulOn ?? '–',
    ]),
  ]);
  const auto = summary.auto;
  return [
    `${args.bccd} BCCD test images (shipped BCCD model) + ${args.raccoon} raccoon test images (raccoon model), headless Chromium, ${availableParallelism()} cores; ${(elapsedMs / 1000).toFixed(0)} s in all`,
    '',
    main,
    '',
    stages,
    '',
    'first: the first image after createDetector resolved ("ready"); warm: median of the images after it; network: preprocess + backbone + roiPool + heads;',
    'limit: the network FLOPs of each image (convs to the tap at its input size, reduce, fc6/fc7 and outputs for its RoIs; 2 per multiply-add) over the',
    'best tf.matMul rate on the same backend in the same page; max block: longest gap between animation frames or long animation frame during a detection.',
    'Stage medians are over the warm images (the first image alone when no other ran).',
    ...(auto !== null
      ? ['', `auto chose ${auto.backend ?? 'nothing'}: warm median ${fmt(auto.warmMedianMs)} ms${auto.fastest !== null ? `; fastest named backend in this run ${auto.fastest} ${fmt(auto.fastestWarmMedianMs)} ms (auto ÷ fastest ${fmt(auto.toFastest, 2)})` : ''}`]
      : []),
    `longest main-thread block during detections: ${fmt(summary.maxMainThreadBlockMs)} ms${summary.maxMainThreadBlockBackend !== null ? ` (${summary.maxMainThreadBlockBackend})` : ''}`,
    ...rows
      .filter((row) => row.longestFrameScripts.length > 0)
      .map((row) => `  ${label(row)}: longest animation frame ${fmt(row.maxLongFrameMs)} ms, its scripts: ${row.longestFrameScripts.map((script) => `${fmt(script.durationMs)} ms ${script.invoker} ${script.source}`).join('; ')}`),
  ].join('\n');
}

/** The --json object: the fields the issue names first, then the details. */
function jsonOf(summary: LatencySummary, args: Args, elapsedMs: number): Record<string, unknown> {
  return {
    rows: summary.rows.map(({ backend, firstMs, warmMedianMs, networkMedianMs, limitMs, ...details }) => ({
      backend, firstMs, warmMedianMs, networkMedianMs, limitMs, ...details,
    })),
    auto: summary.auto,
    maxMainThreadBlockMs: summary.maxMainThreadBlockMs,
    maxMainThreadBlockBackend: summary.maxMainThreadBlockBackend,
    settings: { bccd: args.bccd, raccoon: args.raccoon, capS: args.capMs / 1000, budgetS: args.budgetMs / 1000, slowS: args.slowImageMs / 1000, matMulMaxSize: args.matMulMaxSize, cores: availableParallelism() },
    elapsedS: elapsedMs / 1000,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { images, dirs } = testImages(args);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const began = Date.now();
  const results = new Map<LatencyBackend, LatencyRow>();
  const session = await retrying(() => openHarness({ backend: 'cpu', serveDirs: dirs, verbose: args.verbose }), log);
  try {
    const browser = session.page.context().browser();
    if (browser === null) throw new Error('the harness has no browser');
    await session.page.close();
    const budgetStart = Date.now(); // the budget is the backends' time, not Vite's and Chromium's start
    for (const backend of RUN_ORDER.filter((b) => args.backends.includes(b))) {
      const left = args.budgetMs - (Date.now() - budgetStart);
      if (left < 10_000) {
        results.set(backend, skippedRow(backend, images.length, `the run's ${args.budgetMs / 1000} s budget was spent`));
        continue;
      }
      const capMs = Math.min(args.capMs, left);
      const options: LatencyPageOptions = { backend, models: MODELS, images, slowImageMs: args.slowImageMs, capMs, matMulMaxSize: args.matMulMaxSize };
      log(`[${backend}] ${images.length} images, cap ${(capMs / 1000).toFixed(0)} s`);
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('console', (message) => {
        if (args.verbose || message.type() === 'error') log(`[${backend} browser ${message.type()}] ${message.text()}`);
      });
      page.on('pageerror', (error) => log(`[${backend} pageerror] ${error.message}`));
      let result: LatencyPageResult;
      let ready = false;
      const progress = (line: string) => {
        ready ||= line.startsWith(`[${backend}] ready in`);
        log(line);
      };
      try {
        // the cap stops new images; a running one (minutes on WebGPU over SwiftShader) and the matMul probe get 4 more minutes
        result = await runBackend(page, session.baseUrl, options, capMs + 240_000, progress);
      } catch (error) {
        result = failedResult(backend, error instanceof Error ? error.message.split('\n')[0] : String(error), ready);
      } finally {
        await context.close().catch(() => undefined);
      }
      const row = latencyRow(result, images.length);
      if (row.status !== 'ok') log(`[${backend}] ${row.status}`);
      results.set(backend, row);
    }
  } finally {
    await session.close();
  }
  const elapsedMs = Date.now() - began;
  const summary = summarize(ALL_BACKENDS.filter((b) => results.has(b)).map((b) => results.get(b)!));
  const json = jsonOf(summary, args, elapsedMs);
  console.log(args.json ? JSON.stringify(json) : report(summary, args, elapsedMs));
  if (args.save !== null) writeFileSync(args.save, `${JSON.stringify(json, null, 2)}\n`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
