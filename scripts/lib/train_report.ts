/** Console output of the train/eval commands: the per-class AP table and progress lines. */
import type { EvaluationSummary, TrainProgress } from '../../src/training/protocol';

export function formatApTable(summary: EvaluationSummary): string {
  const names = Object.keys(summary.metric.voc07.perClass);
  const width = Math.max(5, ...names.map((n) => n.length));
  const pct = (v: number) => (Number.isFinite(v) ? (100 * v).toFixed(1).padStart(8) : '     n/a');
  const lines = [`${'class'.padEnd(width)}  AP(VOC07)  AP(area)`];
  for (const n of names) lines.push(`${n.padEnd(width)}  ${pct(summary.metric.voc07.perClass[n])}  ${pct(summary.metric.area.perClass[n])}`);
  lines.push(`${'mAP'.padEnd(width)}  ${pct(summary.metric.voc07.mAP)}  ${pct(summary.metric.area.mAP)}`);
  lines.push(`${summary.images} test images, ${summary.secondsPerImage.toFixed(3)} s/image (head + post-processing on cached features)`);
  return lines.join('\n');
}

export function formatProgress(p: TrainProgress): string {
  const l = p.smoothedLoss;
  return (
    `iter ${String(p.iteration).padStart(5)}/${p.iterations}  loss ${l.total.toFixed(4)} (cls ${l.cls.toFixed(4)}, loc ${l.loc.toFixed(4)})` +
    `  lr ${p.learningRate.toExponential(1)}  ${p.imagesPerSecond.toFixed(2)} img/s  ${Math.round(p.secondsLeft)} s left` +
    (p.rpnLoss ? `  rpn (cls ${p.rpnLoss.cls.toFixed(4)}, loc ${p.rpnLoss.loc.toFixed(4)})` : '') +
    (p.nanEvents ? `  nan-rollbacks ${p.nanEvents}` : '')
  );
}
