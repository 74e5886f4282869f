/** "Images" section of the Annotate tab: add images, import a dataset, export, and pick the image to edit. */
import { pluralize } from '../../data/plural';
import { section } from '../controls';
import { h, setChildren } from '../dom';
import type { AnnotateController } from './annotate_controller';

function fileInput(testid: string, options: { accept?: string; folder?: boolean }, onFiles: (files: File[]) => void): HTMLInputElement {
  const input = h('input', { type: 'file', multiple: true, accept: options.accept, class: 'visually-hidden', tabindex: -1, testid,
    onchange: () => {
      onFiles(Array.from(input.files ?? []));
      input.value = '';
    } });
  if (options.folder) input.setAttribute('webkitdirectory', '');
  return input;
}

export function imageListSection(controller: AnnotateController): HTMLElement {
  const { store } = controller;
  const images = fileInput('annotate.add-input', { accept: 'image/*' }, (files) => void controller.addFiles(files));
  const folder = fileInput('annotate.folder-input', { folder: true }, (files) => void controller.importDataset(files));
  const files = fileInput('annotate.import-input', {}, (f) => void controller.importDataset(f));
  const list = h('ul', { class: 'image-list', testid: 'annotate.image-list', 'aria-label': 'Images to annotate' });
  const summary = h('p', { class: 'hint', testid: 'annotate.summary' });
  let shown: unknown = null;
  const render = (): void => {
    const { set, currentId } = store.get();
    const key = [set.images, currentId];
    if (shown && (shown as unknown[])[0] === key[0] && (shown as unknown[])[1] === key[1]) return;
    shown = key;
    const boxes = set.images.reduce((n, i) => n + i.boxes.length, 0);
    summary.textContent = set.images.length === 0
      ? 'Add images, or import a dataset (VOC, COCO, YOLO or CSV), to start annotating.'
      : `${pluralize(set.images.length, 'image')}, ${pluralize(boxes, 'box', 'boxes')}.`;
    setChildren(list, set.images.map((image) => h('li', { class: image.id === currentId ? 'current' : '' },
      h('button', { type: 'button', class: 'image-row', testid: `annotate.image.${image.name}`, 'aria-current': image.id === currentId ? 'true' : null,
        onclick: () => void controller.select(image.id) },
      h('span', { class: 'name' }, image.name), h('span', { class: 'count' }, `${image.boxes.length}`)),
      h('button', { type: 'button', class: 'ghost icon', 'aria-label': `Remove ${image.name}`, title: 'Remove from the set',
        onclick: () => controller.removeImage(image.id) }, '×'))));
  };
  store.subscribe(render);
  render();
  return section('Images', 'annotate.images',
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'primary', testid: 'annotate.add', onclick: () => images.click() }, 'Add images…'),
      h('button', { type: 'button', testid: 'annotate.import-folder', onclick: () => folder.click() }, 'Import folder…'),
      h('button', { type: 'button', testid: 'annotate.import', onclick: () => files.click() }, 'Import files…'),
      images, folder, files),
    summary,
    list,
    h('div', { class: 'row' },
      h('button', { type: 'button', testid: 'annotate.prev', 'aria-keyshortcuts': 'D', onclick: () => void controller.step(-1) }, '‹ Previous'),
      h('button', { type: 'button', testid: 'annotate.next', 'aria-keyshortcuts': 'F', onclick: () => void controller.step(1) }, 'Next ›')),
    h('div', { class: 'row export' },
      h('span', { class: 'hint' }, 'Export:'),
      h('button', { type: 'button', testid: 'annotate.export-voc', onclick: () => void controller.exportVoc() }, 'VOC (zip)'),
      h('button', { type: 'button', testid: 'annotate.export-coco', onclick: () => controller.exportCocoJson() }, 'COCO (JSON)'),
      h('button', { type: 'button', testid: 'annotate.export-yolo', onclick: () => void controller.exportYolo() }, 'YOLO (zip)'),
      h('button', { type: 'button', testid: 'annotate.export-csv', onclick: () => void controller.exportCsv() }, 'CSV (zip)')),
  );
}
