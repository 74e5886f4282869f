/**
 * The live loss curves: an SVG line plot of the smoothed total, classification and localization losses per
 * iteration, and the RPN's loss (objectness + boxes) when the run trains one. plotGeometry is pure (tested in Node); LossPlot only writes its output into the SVG.
 */
export interface LossPoint {
  readonly iteration: number;
  readonly total: number;
  readonly cls: number;
  readonly loc: number;
  /** The RPN's loss of the step (objectness + boxes), when the run trains one. */
  readonly rpn?: number;
}

export const SERIES = [
  { key: 'total', label: 'Total', colour: 'var(--plot-total)' },
  { key: 'cls', label: 'Classification', colour: 'var(--plot-cls)' },
  { key: 'loc', label: 'Localization', colour: 'var(--plot-loc)' },
  { key: 'rpn', label: 'RPN', colour: 'var(--plot-rpn)' },
] as const;

type SeriesKey = (typeof SERIES)[number]['key'];

export interface PlotGeometry {
  /** SVG path data per series. */
  readonly paths: Record<SeriesKey, string>;
  readonly xMax: number;
  readonly yMax: number;
  /** Loss values to label on the y axis. */
  readonly yTicks: readonly number[];
}

export const PLOT = { width: 320, height: 160, left: 34, right: 8, top: 8, bottom: 20 } as const;

/** A 1-2-5 step so that about `count` ticks span [0, max]. */
export function niceStep(max: number, count = 4): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
}

export function plotGeometry(points: readonly LossPoint[], iterations: number): PlotGeometry {
  const xMax = Math.max(1, iterations, ...points.map((p) => p.iteration));
  const finite = points.flatMap((p) => [p.total, p.cls, p.loc, p.rpn ?? NaN]).filter(Number.isFinite);
  const step = niceStep(Math.max(0, ...finite));
  const yMax = Math.max(step, Math.ceil(Math.max(0, ...finite) / step) * step);
  const innerW = PLOT.width - PLOT.left - PLOT.right;
  const innerH = PLOT.height - PLOT.top - PLOT.bottom;
  const x = (i: number) => (PLOT.left + (i / xMax) * innerW).toFixed(1);
  const y = (v: number) => (PLOT.top + innerH - (Math.min(v, yMax) / yMax) * innerH).toFixed(1);
  const path = (key: SeriesKey) =>
    points.filter((p) => Number.isFinite(p[key] ?? NaN)).map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.iteration)},${y(p[key] ?? NaN)}`).join(' ');
  const yTicks: number[] = [];
  for (let v = 0; v <= yMax + step / 2; v += step) yTicks.push(Number(v.toPrecision(6)));
  return { paths: { total: path('total'), cls: path('cls'), loc: path('loc'), rpn: path('rpn') }, xMax, yMax, yTicks };
}

const NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes (and text). */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text != null) el.textContent = text;
  return el;
}

export class LossPlot {
  readonly element: SVGSVGElement;

  constructor() {
    this.element = svg('svg', { viewBox: `0 0 ${PLOT.width} ${PLOT.height}`, class: 'loss-plot', role: 'img', 'aria-label': 'Loss curves: no iterations yet' });
    this.element.dataset.testid = 'train.loss-plot';
    this.update([], 1);
  }

  update(points: readonly LossPoint[], iterations: number): void {
    const g = plotGeometry(points, iterations);
    const innerW = PLOT.width - PLOT.left - PLOT.right;
    const innerH = PLOT.height - PLOT.top - PLOT.bottom;
    const children: SVGElement[] = [];
    for (const tick of g.yTicks) {
      const y = PLOT.top + innerH - (tick / g.yMax) * innerH;
      children.push(svg('line', { x1: PLOT.left, x2: PLOT.left + innerW, y1: y, y2: y, class: 'grid' }));
      children.push(svg('text', { x: PLOT.left - 4, y: y + 3, 'text-anchor': 'end', class: 'tick' }, String(tick)));
    }
    children.push(svg('text', { x: PLOT.left, y: PLOT.height - 5, class: 'tick' }, '0'));
    children.push(svg('text', { x: PLOT.left + innerW, y: PLOT.height - 5, 'text-anchor': 'end', class: 'tick' }, `${g.xMax} iterations`));
    for (const s of SERIES) {
      if (s.key === 'rpn' && !g.paths.rpn) continue; // a run without an RPN
      children.push(svg('path', { d: g.paths[s.key] || 'M0,0', fill: 'none', stroke: s.colour, 'stroke-width': s.key === 'total' ? 2.2 : 1.5, 'data-series': s.key }));
    }
    this.element.replaceChildren(...children);
    const last = points.at(-1);
    this.element.setAttribute('aria-label', last
      ? `Loss curves over ${points.length} iterations; latest smoothed loss ${last.total.toFixed(3)} (classification ${last.cls.toFixed(3)}, localization ${last.loc.toFixed(3)}${last.rpn === undefined ? '' : `; RPN ${last.rpn.toFixed(3)}`})`
      : 'Loss curves: no iterations yet');
  }
}
