/** Every keyboard shortcut of the page, listed once: the help dialog shows this, the controllers implement it. */
export interface Shortcut {
  readonly keys: readonly string[];
  readonly action: string;
}

export interface ShortcutGroup {
  readonly title: string;
  readonly shortcuts: readonly Shortcut[];
}

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  {
    title: 'Everywhere',
    shortcuts: [
      { keys: ['?'], action: 'Show this list' },
      { keys: ['Ctrl', 'V'], action: 'Paste an image from the clipboard' },
      { keys: ['←', '→'], action: 'Switch section (on the section tabs)' },
    ],
  },
  {
    title: 'Detect',
    shortcuts: [
      { keys: ['P'], action: 'Show or hide all proposals' },
      { keys: ['B'], action: 'Show or hide boxes before regression' },
      { keys: ['S'], action: 'Show or hide boxes suppressed by NMS' },
      { keys: ['L'], action: 'Show or hide labels' },
      { keys: ['R'], action: 'Show or hide the RPN’s best proposals (a model with a Region Proposal Network)' },
      { keys: ['O'], action: 'Show or hide the RPN’s objectness heatmap' },
      { keys: ['['], action: 'Lower the score threshold' },
      { keys: [']'], action: 'Raise the score threshold' },
      { keys: ['Esc'], action: 'Cancel the running detection, or clear the selected detection' },
    ],
  },
  {
    title: 'Annotate (as in CVAT and makesense)',
    shortcuts: [
      { keys: ['N'], action: 'Draw a new box: click two opposite corners (or drag)' },
      { keys: ['Esc'], action: 'Cancel drawing, or deselect' },
      { keys: ['Del'], action: 'Delete the selected box (also Backspace)' },
      { keys: ['Enter'], action: 'Accept the selected suggestion (a dashed box from “Suggest boxes”); Del rejects it' },
      { keys: ['Ctrl', 'Z'], action: 'Undo' },
      { keys: ['Ctrl', 'Shift', 'Z'], action: 'Redo (also Ctrl+Y)' },
      { keys: ['1–9'], action: 'Choose the class (and set it on the selected box)' },
      { keys: ['Tab'], action: 'On the canvas: select the next box (Shift+Tab: previous); after the last, focus moves on' },
      { keys: ['Arrows'], action: 'Move the selected box by 1 px (with Shift: 10 px)' },
      { keys: ['Alt', 'Arrows'], action: 'Resize the selected box from its bottom-right corner' },
      { keys: ['D'], action: 'Previous image' },
      { keys: ['F'], action: 'Next image' },
    ],
  },
];
