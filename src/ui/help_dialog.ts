/** The keyboard-shortcut dialog (a native <dialog>: focus is trapped and Esc closes it). */
import { h, setChildren } from './dom';
import { SHORTCUT_GROUPS } from './shortcuts';

export function setupHelpDialog(dialog: HTMLDialogElement, opener: HTMLElement): { open(): void } {
  const close = h('button', { type: 'button', class: 'ghost', testid: 'help.close', onclick: () => dialog.close() }, 'Close');
  setChildren(dialog,
    h('div', { class: 'dialog-head' }, h('h2', { id: 'help-title' }, 'Keyboard shortcuts'), close),
    ...SHORTCUT_GROUPS.map((group) => h('section', {},
      h('h3', {}, group.title),
      h('dl', { class: 'shortcut-list' }, ...group.shortcuts.flatMap((s) => [
        h('dt', {}, ...s.keys.flatMap((k, i) => (i === 0 ? [h('kbd', {}, k)] : [' + ', h('kbd', {}, k)]))),
        h('dd', {}, s.action),
      ])),
    )),
  );
  const open = (): void => {
    if (!dialog.open) dialog.showModal();
    close.focus();
  };
  opener.addEventListener('click', open);
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close(); // a click on the backdrop
  });
  return { open };
}

/** True when a key press belongs to a text field (shortcuts must not steal typing). */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  if (target.isContentEditable) return true;
  if (target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  return target.tagName === 'INPUT' && !['checkbox', 'radio', 'range', 'button'].includes((target as HTMLInputElement).type);
}
