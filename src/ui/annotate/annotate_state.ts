/** State of the Annotate tab: the annotation set, the image being edited and its editor, and the autosave status. */
import { Store } from '../state/store';
import { EMPTY_SET, type AnnotationSet } from './annotation_set';
import { createEditor, type EditorState } from './editor';

export type SaveStatus = 'idle' | 'unsaved' | 'saving' | 'saved' | 'error';

export interface AnnotateState {
  readonly set: AnnotationSet;
  readonly currentId: string | null;
  readonly editor: EditorState;
  readonly save: SaveStatus;
  readonly showLabels: boolean;
}

export function createAnnotateStore(): Store<AnnotateState> {
  return new Store<AnnotateState>({ set: EMPTY_SET, currentId: null, editor: createEditor(EMPTY_SET.classes), save: 'idle', showLabels: true });
}
