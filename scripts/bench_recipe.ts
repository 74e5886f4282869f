/**
 * npm run bench:recipe -- --dataset <dir> [--train-split …] [--test-split …] [--dataset <dir2> …] [--json]
 *
 * The recommended recipe end to end, as a user gets it: `npm run train` with no tuning flag (split, train, choose the
 * iteration on validation, evaluate the test split once), one row per dataset: set, images, classes, minutes,
 * validation mAP, test mAP (VOC07). Several --dataset flags give several rows side by side in one run; --train-split
 * and --test-split, when given, apply to every dataset. With --json, one JSON object per dataset, one per line:
 * {"dataset", "images", "classes", "seconds", "validationMap", "testMap"}. Each run trains into a temporary folder
 * (--keep DIR keeps the models, one sub-folder per dataset).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { userPath } from './lib/user_path';

const { values: a } = parseArgs({
  options: {
    dataset: { type: 'string', multiple: true }, 'train-split': { type: 'string' }, 'test-split': { type: 'string' },
    json: { type: 'boolean', default: false }, keep: { type: 'string' }, 'cache-dir': { type: 'string' },
  },
});
if (!a.dataset?.length) {
  process.stderr.write('usage: npm run bench:recipe -- --dataset <dir> [--train-split X] [--test-split Y] [--json]\n');
  process.exit(2);
}

interface Row { dataset: string; images: number; classes: number; seconds: number; validationMap: number | null; testMap: number | null }

const rows: Row[] = [];
for (const dataset of a.dataset.map((d) => userPath(d))) {
  const out = a.keep ? join(userPath(a.keep), basename(dataset)) : mkdtempSync(join(tmpdir(), 'frcnn-recipe-'));
  const args = ['vite-node', 'scripts/train.ts', '--', '--dataset', dataset, '--out', out];
  if (a['train-split']) args.push('--train-split', a['train-split']);
  if (a['test-split']) args.push('--test-split', a['test-split']);
  if (a['cache-dir']) args.push('--cache-dir', userPath(a['cache-dir']));
  process.stderr.write(`bench:recipe: npx ${args.join(' ')}\n`);
  const run = spawnSync('npx', args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 26 });
  if (!a.keep) rmSync(out, { recursive: true, force: true });
  if (run.status !== 0) {
    process.stderr.write(`bench:recipe: training on ${dataset} failed (exit ${run.status})\n`);
    process.exit(1);
  }
  const line = run.stdout.trim().split('\n').pop() ?? '';
  const result = JSON.parse(line) as { images: number; classes: number; seconds: number; validationMap: number | null; testMap: number | null };
  const row: Row = { dataset: basename(dataset), images: result.images, classes: result.classes, seconds: result.seconds, validationMap: result.validationMap, testMap: result.testMap };
  rows.push(row);
  if (a.json) process.stdout.write(`${JSON.stringify(row)}\n`);
}

if (!a.json) {
  const pct = (v: number | null) => (v === null ? '–' : (100 * v).toFixed(1));
  const table = [
    ['set', 'images', 'classes', 'minutes', 'validation mAP', 'test mAP'],
    ...rows.map((r) => [r.dataset, String(r.images), String(r.classes), (r.seconds / 60).toFixed(1), pct(r.validationMap), pct(r.testMap)]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  for (const row of table) process.stdout.write(`${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}\n`);
  process.stdout.write('(VOC07 11-point mAP; validation: the kept weights on the validation images; test: evaluated once, after training)\n');
}
