/** State of the Annotate tab: the annotation set, the image being edited and its editor, and the autosave status. */
import type { FileReportRow } from '../../data/report_files';
import { Store } from '../state/store';
import { EMPTY_SET, type AnnotationSet } from './annotation_set';
import { createEditor, type EditorState } from './editor';

export type SaveStatus = 'idle' | 'unsaved' | 'saving' | 'saved' | 'error';

/** The last import's report, kept until the next import: what it was and a row per file. */
export interface ImportReport {
  readonly title: string;
  readonly rows: readonly FileReportRow[];
}

export interface AnnotateState {
  readonly set: AnnotationSet;
  readonly currentId: string | null;
  readonly editor: EditorState;
  readonly save: SaveStatus;
  readonly showLabels: boolean;
  readonly importReport: ImportReport | null;
}

export function createAnnotateStore(): Store<AnnotateState> {
  return new Store<AnnotateState>({ set: EMPTY_SET, currentId: null, editor: createEditor(EMPTY_SET.classes), save: 'idle', showLabels: true,
    importReport: null });
}
