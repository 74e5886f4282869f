/** Asks what to do with imported images that are already in the set: skip them, replace the old ones, or keep both. */
import type { DuplicateChoice } from '../../data/duplicates';
import { pluralize } from '../../data/plural';
import { h, setChildren } from '../dom';

/**
 * A modal <dialog>; Esc or a backdrop click chooses 'skip' (nothing is changed or doubled). Without `replace`
 * (plain images: nothing to replace with) the choice is skip or keep both.
 */
export function askDuplicateChoice(names: readonly string[], options: { replace: boolean } = { replace: true }): Promise<DuplicateChoice> {
  const dialog = h('dialog', { class: 'help duplicate-dialog', testid: 'annotate.duplicates', 'aria-labelledby': 'duplicates-title' });
  return new Promise((resolve) => {
    const finish = (choice: DuplicateChoice): void => {
      dialog.close();
      dialog.remove();
      resolve(choice);
    };
    const button = (choice: DuplicateChoice, label: string, primary = false) => h('button', { type: 'button',
      class: primary ? 'primary' : '', testid: `annotate.duplicates.${choice}`, onclick: () => finish(choice) }, label);
    const shown = names.slice(0, 5);
    const skip = button('skip', 'Skip them', true);
    setChildren(dialog,
      h('div', { class: 'dialog-head' }, h('h2', { id: 'duplicates-title' }, `${pluralize(names.length, 'image')} already in the set`)),
      h('p', {}, names.length === 1 ? 'This file has exactly the same bytes as an image you already have:' : 'These files have exactly the same bytes as images you already have:'),
      h('ul', { testid: 'annotate.duplicates.names' }, ...shown.map((n) => h('li', {}, n)),
        ...(names.length > shown.length ? [h('li', {}, `and ${names.length - shown.length} more`)] : [])),
      h('p', { class: 'hint' }, `Skip keeps your images as they are.${options.replace ? ' Replace puts the imported boxes in their place.' : ''} Keep both adds them again as new images.`),
      h('div', { class: 'row' }, skip, options.replace ? button('replace', 'Replace mine') : null, button('keep', 'Keep both')));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish('skip');
    });
    dialog.addEventListener('click', (event) => {
      if (event.target === dialog) finish('skip');
    });
    document.body.append(dialog);
    dialog.showModal();
    skip.focus();
  });
}
