/**
 * The live validation curve: VOC07 mAP on the run's validation images at each evaluation, on the same iteration
 * axis as the loss curves, with the iteration whose weights the run keeps ringed. validationGeometry is pure
 * (tested in Node); ValidationPlot only writes its output into the SVG.
 */
import { PLOT, svg } from './loss_plot';

export interface ValidationMark {
  readonly iteration: number;
  readonly mAP: number;
}

export interface ValidationGeometry {
  /** SVG path data through the points, in iteration order. */
  readonly path: string;
  readonly points: readonly { readonly x: number; readonly y: number; readonly iteration: number; readonly mAP: number }[];
  /** The best point so far (ties: the later one, as the run chooses), or null. */
  readonly best: { readonly x: number; readonly y: number; readonly iteration: number; readonly mAP: number } | null;
  readonly xMax: number;
}

/** mAP 0..1 maps to the plot's height, iteration 0..iterations to its width. */
export function validationGeometry(marks: readonly ValidationMark[], iterations: number): ValidationGeometry {
  const xMax = Math.max(1, iterations, ...marks.map((m) => m.iteration));
  const innerW = PLOT.width - PLOT.left - PLOT.right;
  const innerH = PLOT.height - PLOT.top - PLOT.bottom;
  const points = [...marks].filter((m) => Number.isFinite(m.mAP)).sort((a, b) => a.iteration - b.iteration).map((m) => ({
    x: Number((PLOT.left + (m.iteration / xMax) * innerW).toFixed(1)),
    y: Number((PLOT.top + innerH - Math.min(1, Math.max(0, m.mAP)) * innerH).toFixed(1)),
    iteration: m.iteration, mAP: m.mAP,
  }));
  const best = points.reduce<(typeof points)[number] | null>((b, p) => (!b || p.mAP >= b.mAP ? p : b), null);
  return { path: points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' '), points, best, xMax };
}

export class ValidationPlot {
  readonly element: SVGSVGElement;

  constructor() {
    this.element = svg('svg', { viewBox: `0 0 ${PLOT.width} ${PLOT.height}`, class: 'loss-plot', role: 'img', 'aria-label': 'Validation mAP: not measured yet' });
    this.element.dataset.testid = 'train.validation-plot';
    this.update([], 1, null);
  }

  /** `kept`: the iteration whose weights the run ended with (known when it is done); else the best so far is ringed. */
  update(marks: readonly ValidationMark[], iterations: number, kept: number | null): void {
    const g = validationGeometry(marks, iterations);
    const innerW = PLOT.width - PLOT.left - PLOT.right;
    const innerH = PLOT.height - PLOT.top - PLOT.bottom;
    const children: SVGElement[] = [];
    for (const tick of [0, 25, 50, 75, 100]) {
      const y = PLOT.top + innerH - (tick / 100) * innerH;
      children.push(svg('line', { x1: PLOT.left, x2: PLOT.left + innerW, y1: y, y2: y, class: 'grid' }));
      children.push(svg('text', { x: PLOT.left - 4, y: y + 3, 'text-anchor': 'end', class: 'tick' }, `${tick}%`));
    }
    children.push(svg('text', { x: PLOT.left, y: PLOT.height - 5, class: 'tick' }, '0'));
    children.push(svg('text', { x: PLOT.left + innerW, y: PLOT.height - 5, 'text-anchor': 'end', class: 'tick' }, `${g.xMax} iterations`));
    children.push(svg('path', { d: g.path || 'M0,0', fill: 'none', stroke: 'var(--plot-val)', 'stroke-width': 2, 'data-series': 'validation' }));
    for (const p of g.points) children.push(svg('circle', { cx: p.x, cy: p.y, r: 2.5, fill: 'var(--plot-val)', 'data-iteration': p.iteration }));
    const ringed = kept !== null ? g.points.find((p) => p.iteration === kept) ?? null : g.best;
    if (ringed) children.push(svg('circle', { cx: ringed.x, cy: ringed.y, r: 5.5, fill: 'none', stroke: 'var(--plot-val)', 'stroke-width': 1.5, 'data-kept': ringed.iteration }));
    this.element.replaceChildren(...children);
    const last = g.points.at(-1);
    this.element.setAttribute('aria-label', last
      ? `Validation mAP at ${g.points.length} evaluations; latest ${(last.mAP * 100).toFixed(1)}% at iteration ${last.iteration}` +
        (ringed ? `; ${kept !== null ? 'kept' : 'best so far'}: ${(ringed.mAP * 100).toFixed(1)}% at iteration ${ringed.iteration}` : '')
      : 'Validation mAP: not measured yet');
  }
}
