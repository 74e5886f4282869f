/**
 * `npm run bench:detect -- [--backend webgpu|webgl|cpu] [--image file.jpg] [--proposals 2000] [--rcnn-sample 32]
 *   [--rcnn-batch 8] [--fc6-rank 64] [--fc7-rank 32] [--repeats 3] [--json] [--save result.json]`
 *
 * Fast R-CNN against an R-CNN-style forward on the same image and proposals, in headless Chromium (paper
 * Table 4 and Figure 2), plus the effect of truncated SVD (paper §3.1). The work runs in the page
 * (scripts/bench_detect_page.ts); this prints tables, or one JSON object with --json (--save also writes it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withHarness, type HarnessBackend } from './lib/browser_session';
import type * as BenchPage from './bench_detect_page';
import type { BenchOptions, BenchResult } from './bench_detect_page';

/** A BCCD test image (640x480), from the shared data sets next to the repository. */
const DEFAULT_IMAGE = fileURLToPath(new URL('../../shared/datasets/bccd/JPEGImages/BloodImage_00007.jpg', import.meta.url));

function parseArgs(argv: string[]): { backend: HarnessBackend; json: boolean; save: string | null; options: BenchOptions } {
  const value = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
  };
  const backend = value('backend', 'webgpu') as HarnessBackend;
  if (!['webgpu', 'webgl', 'cpu'].includes(backend)) throw new Error(`--backend must be webgpu, webgl or cpu, got ${backend}`);
  const int = (name: string, fallback: number) => {
    const n = Number(value(name, String(fallback)));
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  return {
    backend,
    json: argv.includes('--json'),
    save: argv.includes('--save') ? value('save', '') || null : null,
    options: {
      imageName: resolve(value('image', DEFAULT_IMAGE)),
      // sent as bytes, so that any file works (the harness serves only the repository)
      imageBase64: readFileSync(resolve(value('image', DEFAULT_IMAGE))).toString('base64'),
      proposals: int('proposals', 2000),
      rcnnSample: int('rcnn-sample', 32),
      rcnnBatch: int('rcnn-batch', 8),
      fc6Rank: int('fc6-rank', 64),
      fc7Rank: int('fc7-rank', 32),
      repeats: int('repeats', 3),
    },
  };
}

function table(rows: (string | number)[][]): string {
  const cells = rows.map((row) => row.map((c) => (typeof c === 'number' ? c.toFixed(c >= 100 ? 0 : 1) : c)));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** The total after SVD if only the fc stage had changed: robust to load swings in the other stages. */
function fcOnly(r: BenchResult): number {
  return r.fast.total - r.fast.fc + r.svd.after.fc;
}

function share(part: number, total: number): string {
  return `${((100 * part) / total).toFixed(0)}%`;
}

function report(r: BenchResult): string {
  const f = r.fast;
  const a = r.svd.after;
  const speedup = r.rcnnStyle.perImageMs / f.total;
  return [
    `backend ${r.backend}; image ${r.image.name} (${r.image.width}x${r.image.height}), scaled to short side 600 / long side <= 1000`,
    `proposals: ${r.proposals} (${r.proposalSource.selectiveSearch} from selective search 'fast' in ${(r.proposalSource.searchMs / 1000).toFixed(1)} s, ${r.proposalSource.dense} random dense boxes)`,
    '',
    table([
      ['forward', 'ms / image', 'speedup'],
      ['Fast R-CNN (one shared feature map)', f.total, '1x'],
      [`R-CNN style (each proposal warped to 224x224; ${r.rcnnStyle.sampled} sampled, batches of ${r.rcnnStyle.batch}, scaled x${(r.proposals / r.rcnnStyle.sampled).toFixed(1)})`, r.rcnnStyle.perImageMs, `${speedup.toFixed(1)}x`],
    ]),
    '',
    table([
      ['stage (paper Figure 2)', 'ms', 'share', 'ms after SVD', 'share after SVD'],
      ...(['preprocess', 'backbone', 'roiPool', 'fc', 'nms'] as const).map((k) => [k, f[k], share(f[k], f.total), a[k], share(a[k], a.total)]),
      ['total', f.total, '100%', a.total, '100%'],
    ]),
    '',
    table([
      [`truncated SVD (fc6 rank ${r.svd.fc6Rank}, fc7 rank ${r.svd.fc7Rank})`, 'before', 'after', 'change'],
      ['fc time (ms)', f.fc, a.fc, `${((100 * (a.fc - f.fc)) / f.fc).toFixed(0)}%`],
      ['total time (ms)', f.total, a.total, `${((100 * (a.total - f.total)) / f.total).toFixed(0)}%`],
      ['total, other stages as before SVD (ms)', f.total, fcOnly(r), `${((100 * (fcOnly(r) - f.total)) / f.total).toFixed(0)}%`],
      ['relative Frobenius error of W', '', '', `fc6 ${r.svd.fc6Error.toFixed(3)}, fc7 ${r.svd.fc7Error.toFixed(3)}`],
    ]),
  ].join('\n');
}

/** The --json object: the fields the issue asks for, then the details behind them. */
function summary(result: BenchResult): Record<string, unknown> {
  const { fast, svd } = result;
  return {
    backend: result.backend,
    proposals: result.proposals,
    fastMs: fast.total,
    rcnnStyleMs: result.rcnnStyle.perImageMs,
    speedup: result.rcnnStyle.perImageMs / fast.total,
    stagesMs: { preprocess: fast.preprocess, backbone: fast.backbone, roiPool: fast.roiPool, fc: fast.fc, nms: fast.nms },
    svd: {
      rank: svd.fc6Rank,
      ranks: { fc6: svd.fc6Rank, fc7: svd.fc7Rank },
      fcMsBefore: fast.fc,
      fcMsAfter: svd.after.fc,
      totalMsBefore: fast.total,
      totalMsAfter: svd.after.total,
      totalMsAfterFcOnly: fcOnly(result),
      stagesMsAfter: svd.after,
      relativeError: { fc6: svd.fc6Error, fc7: svd.fc7Error },
    },
    rcnnStyle: { ...result.rcnnStyle, note: `timed on ${result.rcnnStyle.sampled} random proposals, scaled linearly to ${result.proposals}` },
    proposalSource: result.proposalSource,
    image: result.image,
  };
}

async function main(): Promise<void> {
  const { backend, json, save, options } = parseArgs(process.argv.slice(2));
  const result = await withHarness({ backend }, async ({ page }) =>
    page.evaluate(async (opts) => {
      const bench = (await window.harness.load('/scripts/bench_detect_page.ts')) as typeof BenchPage;
      return bench.runBench(opts);
    }, options),
  );
  console.log(json ? JSON.stringify(summary(result)) : report(result));
  if (save !== null) writeFileSync(save, `${JSON.stringify(summary(result), null, 2)}\n`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
