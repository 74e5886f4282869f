/**
 * npm run proposals:eval -- --dataset <dir> [--split <name | list.txt | labels.csv>] --mode fast|quality|dense
 *                           [--max-images N] [--workers N] [--json]
 * npm run proposals:eval -- --dataset <dir> [--split …] --mode rpn|fast|quality --model <dir> [--max-proposals N] [--max-images N] [--json]
 *
 * Runs the browser proposal path on every image of the split in headless Chromium and prints the median time
 * per image, the median number of proposals, and the recall of the ground-truth boxes at IoU 0.5 and 0.7 by the
 * top 100, 300, 1000 and 2000 proposals (and, in the text output, by all of them); `recallByClass`: the same per
 * class by the top 300 and 2000. Every annotated object counts, 'difficult' ones included. The text
 * output adds the median CPU seconds per image of the renderer (page + workers) and the load average, since
 * wall time on a shared machine depends on what else runs.
 *
 * --model <dir> (required by --mode rpn; optional with fast or quality): each image goes through the detection
 * pipeline with that saved model on wasm (scripts/lib/rpn_proposals_page.ts): --mode rpn takes its Region Proposal
 * Network's proposals (src/pipeline/rpn_proposals.ts; top N = the model's test setting, 300, unless --max-proposals),
 * fast or quality the pipeline's own selective search, so both are measured on one path. The same JSON plus
 * `proposalMsMedian` (the proposals alone; the RPN's after the backbone), `secondsPerImageMedian` then counting
 * image to tensor + backbone + proposals, cpuSecondsPerImageMedian null, and `detectionMap` {voc07, area,
 * voc07PerClass}: the model's detections on those proposals (the pipeline's head and post-processing, the model's own
 * settings) scored as `npm run eval` scores them (src/training/detect_eval.ts).
 */
import { availableParallelism, loadavg } from 'node:os';
import { loadDatasetDir } from './lib/load_dataset';
import { runProposalsInBrowser, type ImageProposals } from './lib/run_proposals_in_browser';
import type { DetectionRecord } from '../src/data/record';
import { parseProposalsEvalArgs, readPipelineModel } from './lib/proposals_eval_args';
import { firstRecallingRank, median, recallAtK } from '../src/proposals/recall';
import { packDetections, summarizeVoc } from '../src/training/detect_eval';
import { imageLabels } from '../src/training/image_specs';
import type { Detection } from '../src/model/detection_types';

const TOP_K = [100, 300, 1000, 2000] as const;
const THRESHOLDS = ['0.5', '0.7'] as const;

async function main(): Promise<void> {
  const args = parseProposalsEvalArgs(process.argv.slice(2));
  const { mode } = args;
  const model = args.model !== undefined && mode !== 'dense' ? readPipelineModel(args.model, mode, args.maxProposals) : undefined;
  const loaded = await loadDatasetDir(args.dataset, { split: args.split });
  const records = loaded.dataset.records.slice(0, args.maxImages);
  const paths = records.map((r) => {
    const path = loaded.imagePaths.get(r.imageFile);
    if (!path) throw new Error(`no image file for ${r.imageFile}`);
    return path;
  });
  const log = (line: string) => args.json || process.stderr.write(`${line}\n`);
  log(`${records.length} images from ${args.dataset}${args.split ? ` (split ${args.split})` : ''}, mode ${args.mode}${model ? ` (${args.model}, detection pipeline on wasm)` : ''}`);
  const loadBefore = loadavg()[0];
  const results = await runProposalsInBrowser(paths, {
    mode: mode === 'rpn' ? 'fast' : mode,
    model,
    keep: Number.MAX_SAFE_INTEGER, // all of them: the text output also reports recall with every proposal
    workers: args.workers,
    onImage: (i, r) =>
      log(`  [${i + 1}/${records.length}] ${records[i].imageFile} ${r.width}x${r.height}: ${r.count} proposals, ${r.seconds.toFixed(3)} s (${r.cpuSeconds === null ? `proposals ${(1000 * r.proposalSeconds!).toFixed(1)} ms` : `CPU ${r.cpuSeconds.toFixed(3)} s`})`),
  });
  const ranks: Record<string, number[]> = { '0.5': [], '0.7': [] };
  // per class too: a set's small or rare class can hide behind the overall figure
  const classRanks = new Map<string, Record<string, number[]>>();
  results.forEach((result, i) => {
    const record = records[i];
    if (record.width && (record.width !== result.width || record.height !== result.height)) {
      log(`  warning: ${record.imageFile} is ${result.width}x${result.height} decoded, ${record.width}x${record.height} annotated`);
    }
    const gt = record.objects.map((o) => o.box);
    for (const t of THRESHOLDS) {
      const found = firstRecallingRank(gt, result.boxes, Number(t));
      ranks[t].push(...found);
      record.objects.forEach((o, g) => {
        if (!classRanks.has(o.className)) classRanks.set(o.className, { '0.5': [], '0.7': [] });
        classRanks.get(o.className)![t].push(found[g]);
      });
    }
  });
  const recall = Object.fromEntries(THRESHOLDS.map((t) => [t, Object.fromEntries(TOP_K.map((k, j) => [String(k), recallAtK(ranks[t], TOP_K)[j]]))]));
  const summary = {
    images: records.length,
    objects: ranks['0.5'].length,
    secondsPerImageMedian: median(results.map((r) => r.seconds)),
    proposalsMedian: median(results.map((r) => r.count)),
    recall,
    /** Per class: recall at IoU 0.5 and 0.7 by the top 300 and 2000. */
    recallByClass: Object.fromEntries([...classRanks].sort(([a], [b]) => a.localeCompare(b)).map(([name, r]) => [name,
      Object.fromEntries(THRESHOLDS.map((t) => [t, Object.fromEntries(([300, 2000] as const).map((k, j) => [String(k), recallAtK(r[t], [300, 2000])[j]]))]))])),
    cpuSecondsPerImageMedian: model ? null : median(results.map((r) => r.cpuSeconds ?? NaN)),
    ...(model && { proposalMsMedian: median(results.map((r) => 1000 * (r.proposalSeconds ?? NaN))), detectionMap: detectionMap(records, results, model.classNames) }),
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const row = (t: string) => TOP_K.map((k) => recall[t][String(k)].toFixed(3)).join(' / ');
  const all = (t: string) => recallAtK(ranks[t], [Infinity])[0].toFixed(3);
  const cpu = summary.cpuSecondsPerImageMedian === null ? `${summary.proposalMsMedian?.toFixed(1)} ms` : summary.cpuSecondsPerImageMedian.toFixed(3);
  console.log(`| images | objects | s/image (median) | ${model ? 'proposals alone (median)' : 'CPU s/image (median)'} | proposals (median) | recall@0.5 top ${TOP_K.join(' / ')} | recall@0.7 top ${TOP_K.join(' / ')} | recall@0.5 / 0.7, all |`);
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${summary.images} | ${summary.objects} | ${summary.secondsPerImageMedian.toFixed(3)} | ${cpu} | ` +
      `${summary.proposalsMedian} | ${row('0.5')} | ${row('0.7')} | ${all('0.5')} / ${all('0.7')} |`,
  );
  console.log(`recall per class at IoU 0.5 / 0.7, top 300: ${Object.entries(summary.recallByClass).map(([name, r]) => `${name} ${r['0.5']['300'].toFixed(3)} / ${r['0.7']['300'].toFixed(3)}`).join(', ')}`);
  if (summary.detectionMap) console.log(`detection mAP with these proposals: VOC07 ${(100 * summary.detectionMap.voc07).toFixed(1)}%, area ${(100 * summary.detectionMap.area).toFixed(1)}%` +
    ` (VOC07 per class: ${Object.entries(summary.detectionMap.voc07PerClass).map(([name, ap]) => `${name} ${(100 * ap).toFixed(1)}`).join(', ')})`);
  console.log(`load average (1 min) at start / end: ${loadBefore.toFixed(1)} / ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs`);
}

/** VOC mAP of the detections the RPN runs returned (objects of classes the model lacks are left out, as eval does). */
function detectionMap(
  records: readonly DetectionRecord[], results: readonly ImageProposals[], classNames: readonly string[],
): { voc07: number; area: number; voc07PerClass: Record<string, number> } {
  const images = records.map((r) => {
    const { issues: _unknownClasses, ...labels } = imageLabels(r.imageFile, r.objects, classNames);
    return { id: r.imageFile, url: '', ...labels };
  });
  const detections = results.map((r) => packDetections((r.detections ?? []) as unknown as Detection[]));
  const { metric } = summarizeVoc(images, detections, classNames, 0);
  return { voc07: metric.voc07.mAP, area: metric.area.mAP, voc07PerClass: metric.voc07.perClass };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
