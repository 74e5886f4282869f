/** "Image" section of the Detect tab: open a file, or pick a bundled sample. */
import { h, setChildren } from '../dom';
import { section } from '../controls';
import { listSamples, sampleUrl, type Sample } from '../samples';

export interface ImageSourceOptions {
  readonly onFiles: (files: File[]) => void;
  readonly onSample: (sample: Sample) => void;
}

export function imageSourceSection(options: ImageSourceOptions): HTMLElement {
  const input = h('input', {
    type: 'file', accept: 'image/*', class: 'visually-hidden', testid: 'detect.file', tabindex: -1,
    onchange: () => {
      options.onFiles(Array.from(input.files ?? []));
      input.value = '';
    },
  });
  const open = h('button', { type: 'button', class: 'primary', testid: 'detect.open', onclick: () => input.click() }, 'Open image…');
  const samples = h('div', { class: 'samples', role: 'group', 'aria-label': 'Sample images', testid: 'detect.samples' });
  void listSamples().then((list) => {
    setChildren(samples, list.length === 0 ? h('p', { class: 'hint' }, 'No sample images are installed (run npm start).') : list.map((sample) =>
      h('button', {
        type: 'button', class: 'sample', testid: `detect.sample.${sample.image}`,
        title: `${sample.label} (${sample.dataset} test split)`, onclick: () => options.onSample(sample),
      }, h('img', { src: sampleUrl(sample.image), alt: '', loading: 'lazy', width: 64, height: 48 }), h('span', {}, sample.label)),
    ));
  });
  return section('Image', 'detect.image',
    h('div', { class: 'row' }, open, input),
    h('p', { class: 'hint' }, 'Or drop an image on the canvas, or paste one (Ctrl+V).'),
    samples,
  );
}
