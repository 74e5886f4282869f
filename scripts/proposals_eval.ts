/**
 * npm run proposals:eval -- --dataset <dir> [--split <name | list.txt | labels.csv>] --mode fast|quality|dense
 *                           [--max-images N] [--workers N] [--json]
 *
 * Runs the browser proposal path on every image of the split in headless Chromium and prints the median time
 * per image, the median number of proposals, and the recall of the ground-truth boxes at IoU 0.5 and 0.7 by the
 * top 100, 300, 1000 and 2000 proposals (and, in the text output, by all of them). Every annotated object counts, 'difficult' ones included. The text
 * output adds the median CPU seconds per image of the renderer (page + workers) and the load average, since
 * wall time on a shared machine depends on what else runs.
 */
import { availableParallelism, loadavg } from 'node:os';
import { loadDatasetDir } from './lib/load_dataset';
import { runProposalsInBrowser } from './lib/run_proposals_in_browser';
import { firstRecallingRank, median, recallAtK } from '../src/proposals/recall';
import type { ProposalMode } from '../src/proposals/proposal_client';

const TOP_K = [100, 300, 1000, 2000] as const;
const THRESHOLDS = ['0.5', '0.7'] as const;

interface Args {
  dataset: string;
  split?: string;
  mode: ProposalMode;
  maxImages: number;
  workers?: number;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Partial<Args> = { mode: 'fast', maxImages: Infinity, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--dataset') args.dataset = value();
    else if (flag === '--split') args.split = value();
    else if (flag === '--mode') args.mode = value() as ProposalMode;
    else if (flag === '--max-images') args.maxImages = Number(value());
    else if (flag === '--workers') args.workers = Number(value());
    else if (flag === '--json') args.json = true;
    else if (flag !== '--') throw new Error(`unknown argument ${flag}`);
  }
  if (!args.dataset) throw new Error('usage: proposals:eval -- --dataset <dir> [--split <list>] --mode fast|quality|dense [--max-images N] [--json]');
  if (!['fast', 'quality', 'dense'].includes(args.mode as string)) throw new Error(`--mode must be fast, quality or dense, got ${args.mode}`);
  if (!(Number(args.maxImages) > 0)) throw new Error('--max-images must be a positive number');
  return args as Args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loaded = await loadDatasetDir(args.dataset, { split: args.split });
  const records = loaded.dataset.records.slice(0, args.maxImages);
  const paths = records.map((r) => {
    const path = loaded.imagePaths.get(r.imageFile);
    if (!path) throw new Error(`no image file for ${r.imageFile}`);
    return path;
  });
  const log = (line: string) => args.json || process.stderr.write(`${line}\n`);
  log(`${records.length} images from ${args.dataset}${args.split ? ` (split ${args.split})` : ''}, mode ${args.mode}`);
  const loadBefore = loadavg()[0];
  const results = await runProposalsInBrowser(paths, {
    mode: args.mode,
    keep: Number.MAX_SAFE_INTEGER, // all of them: the text output also reports recall with every proposal
    workers: args.workers,
    onImage: (i, r) =>
      log(`  [${i + 1}/${records.length}] ${records[i].imageFile} ${r.width}x${r.height}: ${r.count} proposals, ${r.seconds.toFixed(3)} s (CPU ${r.cpuSeconds.toFixed(3)} s)`),
  });
  const ranks: Record<string, number[]> = { '0.5': [], '0.7': [] };
  results.forEach((result, i) => {
    const record = records[i];
    if (record.width && (record.width !== result.width || record.height !== result.height)) {
      log(`  warning: ${record.imageFile} is ${result.width}x${result.height} decoded, ${record.width}x${record.height} annotated`);
    }
    const gt = record.objects.map((o) => o.box);
    for (const t of THRESHOLDS) ranks[t].push(...firstRecallingRank(gt, result.boxes, Number(t)));
  });
  const recall = Object.fromEntries(THRESHOLDS.map((t) => [t, Object.fromEntries(TOP_K.map((k, j) => [String(k), recallAtK(ranks[t], TOP_K)[j]]))]));
  const summary = {
    images: records.length,
    objects: ranks['0.5'].length,
    secondsPerImageMedian: median(results.map((r) => r.seconds)),
    proposalsMedian: median(results.map((r) => r.count)),
    recall,
    cpuSecondsPerImageMedian: median(results.map((r) => r.cpuSeconds)),
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const row = (t: string) => TOP_K.map((k) => recall[t][String(k)].toFixed(3)).join(' / ');
  const all = (t: string) => recallAtK(ranks[t], [Infinity])[0].toFixed(3);
  console.log(`| images | objects | s/image (median) | CPU s/image (median) | proposals (median) | recall@0.5 top ${TOP_K.join(' / ')} | recall@0.7 top ${TOP_K.join(' / ')} | recall@0.5 / 0.7, all |`);
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${summary.images} | ${summary.objects} | ${summary.secondsPerImageMedian.toFixed(3)} | ${summary.cpuSecondsPerImageMedian.toFixed(3)} | ` +
      `${summary.proposalsMedian} | ${row('0.5')} | ${row('0.7')} | ${all('0.5')} / ${all('0.7')} |`,
  );
  console.log(`load average (1 min) at start / end: ${loadBefore.toFixed(1)} / ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
