/** Labelled form controls shared by the panels: every control has a visible label and a dotted data-testid. */
import { h, uniqueId } from './dom';

export interface SliderOptions {
  readonly testid: string;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly value: number;
  readonly format?: (value: number) => string;
  readonly hint?: string;
  readonly onInput: (value: number) => void;
}

export interface Slider {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  setValue(value: number): void;
}

export function slider(options: SliderOptions): Slider {
  const format = options.format ?? ((v: number) => v.toFixed(2));
  const id = uniqueId('slider');
  const hintId = options.hint ? `${id}-hint` : null;
  const output = h('output', { for: id, class: 'slider-value' }, format(options.value));
  const input = h('input', {
    id, type: 'range', min: options.min, max: options.max, step: options.step, value: options.value,
    testid: options.testid, 'aria-describedby': hintId,
    oninput: () => {
      output.textContent = format(input.valueAsNumber);
      input.setAttribute('aria-valuetext', format(input.valueAsNumber));
      options.onInput(input.valueAsNumber);
    },
  });
  const element = h('div', { class: 'slider' },
    h('div', { class: 'slider-head' }, h('label', { for: id }, options.label), output),
    input,
    hintId ? h('p', { id: hintId, class: 'hint' }, options.hint) : null,
  );
  return {
    element, input,
    setValue(value: number) {
      input.value = String(value);
      output.textContent = format(value);
    },
  };
}

export interface CheckboxOptions {
  readonly testid: string;
  readonly label: string;
  readonly checked: boolean;
  /** A small picture of how the layer is drawn. */
  readonly glyph?: Element;
  readonly onChange: (checked: boolean) => void;
}

export function checkbox(options: CheckboxOptions): { element: HTMLElement; input: HTMLInputElement } {
  const input = h('input', {
    type: 'checkbox', checked: options.checked, testid: options.testid,
    onchange: () => options.onChange(input.checked),
  });
  const element = h('label', { class: 'check' }, input, options.glyph ?? null, h('span', {}, options.label));
  return { element, input };
}

export function section(title: string, testid: string, ...children: (Node | null)[]): HTMLElement {
  const headingId = uniqueId('section');
  return h('section', { class: 'panel-section', 'aria-labelledby': headingId, testid },
    h('h2', { id: headingId }, title), ...children);
}

/** An SVG line sample: how a layer's boxes are stroked. */
export function lineGlyph(colour: string, dash: readonly number[], opacity = 1): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 28 12');
  svg.setAttribute('class', 'glyph');
  svg.setAttribute('aria-hidden', 'true');
  const rect = document.createElementNS(ns, 'rect');
  for (const [k, v] of Object.entries({ x: 2, y: 2, width: 24, height: 8, fill: 'none', stroke: colour, 'stroke-width': 2, opacity })) {
    rect.setAttribute(k, String(v));
  }
  if (dash.length > 0) rect.setAttribute('stroke-dasharray', dash.join(' '));
  svg.appendChild(rect);
  return svg;
}
