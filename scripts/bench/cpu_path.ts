/**
 * `npx vite-node scripts/bench/cpu_path.ts -- [--backend wasm|cpu] [--image file.jpg] [--proposals 2000]
 *   [--repeats 5] [--parts backbone,roipool,detect,profile,svd] [--fc6-ranks 128,64,32] [--no-warm-up] [--json]`
 *
 * The CPU path of a detection (issue 17, part 3) in headless Chromium, one page load: the backbone through
 * src/model's interpreter against tf.GraphModel, RoI pooling of 2,000 RoIs, and detect()'s stage times for a
 * fresh detector's first image and the warm ones (scripts/bench/cpu_path_page.ts). Medians; ratios are
 * measured within the run.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withHarness, type HarnessBackend } from '../lib/browser_session';
import type * as Page from './cpu_path_page';
import type { CpuPathOptions, CpuPathResult } from './cpu_path_page';

const DEFAULT_IMAGE = fileURLToPath(new URL('../../../shared/datasets/bccd/JPEGImages/BloodImage_00007.jpg', import.meta.url));
const argv = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const backend = value('backend', 'wasm');
if (!['wasm', 'cpu'].includes(backend)) throw new Error('--backend must be wasm or cpu');
const options: CpuPathOptions = {
  imageBase64: readFileSync(resolve(value('image', DEFAULT_IMAGE))).toString('base64'),
  proposals: Number(value('proposals', '2000')),
  repeats: Number(value('repeats', '5')),
  warmUp: !argv.includes('--no-warm-up'),
  backend: backend as 'wasm' | 'cpu',
  parts: value('parts', 'backbone,roipool,detect').split(',') as CpuPathOptions['parts'],
  fc6Ranks: value('fc6-ranks', '128,64,32').split(',').map(Number),
};

const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const f = (ms: number) => `${ms.toFixed(0)} ms`;

const result: CpuPathResult = await withHarness({ backend: 'cpu' as HarnessBackend }, ({ page }) =>
  page.evaluate(async (opts) => {
    const bench = (await window.harness.load('/scripts/bench/cpu_path_page.ts')) as typeof Page;
    return bench.runCpuPath(opts);
  }, options),
);
if (argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  console.log(`backend ${result.threads}, input ${result.inputShape.join('x')}`);
  if (result.backbone) {
    const b = result.backbone;
    const [i, g] = [med(b.interpreterMs), med(b.graphModelMs)];
    console.log(`backbone: interpreter ${f(i)} [${b.interpreterMs.map((x) => x.toFixed(0)).join(' ')}], tf.GraphModel ${f(g)} [${b.graphModelMs.map((x) => x.toFixed(0)).join(' ')}], ratio ${(i / g).toFixed(2)}; max |diff| ${b.maxAbsDiff.toExponential(2)} (max |value| ${b.maxAbs.toFixed(1)})`);
  }
  if (result.svd) {
    for (const row of result.svd) {
      console.log(`fc6 ${row.rank === null ? 'dense   ' : `rank ${String(row.rank).padEnd(3)}`}: fc stage ${f(med(row.fcMs))} [${row.fcMs.map((x) => x.toFixed(0)).join(' ')}], total ${f(med(row.totalMs))}`);
    }
  }
  if (result.profile) {
    const p = result.profile;
    const rows = Object.entries(p.byKernel).sort((a, b) => b[1] - a[1]);
    console.log(`backbone profile (tf.profile, wall ${f(p.wallMs)}): ${rows.map(([k, ms]) => `${k} x${p.count[k]} ${ms.toFixed(1)}`).join(', ')}`);
  }
  if (result.roiPool) {
    const r = result.roiPool;
    console.log(`roiPool: ${r.rois} RoIs on ${r.mapShape.join('x')}: kernel ${f(med(r.ms))} [${r.ms.map((x) => x.toFixed(0)).join(' ')}], before issue 17 (JS loops with argmax, copies) ${f(med(r.beforeMs))} [${r.beforeMs.map((x) => x.toFixed(0)).join(' ')}], ratio ${(med(r.beforeMs) / med(r.ms)).toFixed(1)}; same bits ${r.same}`);
  }
  if (result.detect) {
    const d = result.detect;
    const keys = ['preprocess', 'backbone', 'roiPool', 'fc', 'nms', 'total'] as const;
    const warm = Object.fromEntries(keys.map((k) => [k, med(d.warm.map((t) => t[k] ?? 0))]));
    console.log(`detect: create ${f(d.createMs)}, warm-up ${d.warmUpMs === null ? 'none' : f(d.warmUpMs)}`);
    console.log(`  first: ${keys.map((k) => `${k} ${(d.first[k] ?? 0).toFixed(0)}`).join(', ')}`);
    console.log(`  warm median: ${keys.map((k) => `${k} ${warm[k].toFixed(0)}`).join(', ')}`);
    console.log(`  first / warm total: ${(d.first.total / warm.total).toFixed(2)}`);
  }
}
