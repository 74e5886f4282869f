/**
 * The Annotate tab's behaviour: the image set (add, import, remove, switch), the editor fed by pointer and keys,
 * the edited boxes written back into the set, and autosave to IndexedDB. Widgets live in annotate_panel.ts.
 */
import { pluralize } from '../../data/plural';
import { DatasetError } from '../../data/report';
import { outcomeCounts, type FileReportRow } from '../../data/report_files';
import type { Box } from '../../geometry/box';
import type { DrawnObject } from '../../render/scene';
import type { CanvasStage, StagePointer } from '../canvas/stage';
import { decodeImage, imageErrorMessage, type LoadedImage } from '../image_input';
import type { StatusLine } from '../status';
import type { Store } from '../state/store';
import { EMPTY_SET, mergeClasses, uniqueName, type AnnotatedImage, type AnnotationSet, type Split } from './annotation_set';
import { annotationScene } from './annotation_scene';
import { annotateKeyCommand } from './annotate_keys';
import type { AnnotateState } from './annotate_state';
import { downloadBlob, exportCoco, exportCsvZip, exportVocZip, exportYoloZip, hasAnnotationFiles, ImportError, importAnnotations } from './dataset_io';
import { askDuplicateChoice } from './duplicate_dialog';
import { markDuplicateRows, placeImported, withoutDuplicateFiles, type DuplicateOutcome } from './duplicate_import';
import { reduce, type AnnotationBox, type EditorAction } from './editor';
import { hitHandle, HANDLE_CURSORS } from './handles';
import type { AnnotationStore } from './persist';
import { storageErrorMessage } from '../../runtime/storage_errors';
import { expandZipFiles, importPath, isZipFile } from './zip_files';

/** Screen pixels within which a click hits a box edge or handle. */
const HIT_PX = 7;
const AUTOSAVE_MS = 400;

export interface NewBox {
  readonly className: string;
  readonly box: Box;
}

/** Something drawn over the annotations that takes clicks and keys first (the model's suggestions, suggestions_controller.ts). */
export interface AnnotateOverlay {
  scene(): DrawnObject[];
  /** A primary press at an image point; true when the overlay took it. */
  pointerDown(point: { x: number; y: number }, tolerance: number): boolean;
  key(event: KeyboardEvent): boolean;
}

export class AnnotateController {
  readonly blobs = new Map<string, Blob>();
  /** The current image's bitmap (possibly shrunk) and the original's size, which the boxes are measured in. */
  private bitmap: { id: string; bitmap: ImageBitmap; width: number; height: number } | null = null;
  private active = false;
  private saveTimer = 0;
  private nextImage = 1;
  private overlay: AnnotateOverlay | null = null;

  constructor(
    readonly store: Store<AnnotateState>,
    private readonly stage: CanvasStage,
    private readonly status: StatusLine,
    private readonly persistence: AnnotationStore | null,
  ) {
    store.subscribe((state, previous) => {
      if (state.set !== previous.set || state.currentId !== previous.currentId) this.scheduleSave();
      if (this.active) this.render(state.currentId !== previous.currentId);
    });
  }

  setActive(active: boolean): void {
    this.active = active;
    if (!active) return;
    this.stage.onPointer((pointer) => this.onPointer(pointer));
    this.render(true);
  }

  attachOverlay(overlay: AnnotateOverlay): void {
    this.overlay = overlay;
  }

  /** Draws again (the overlay changed). */
  refresh(): void {
    this.render(false);
  }

  /** Restores the last session from IndexedDB; false when there was none. */
  async restore(): Promise<boolean> {
    const saved = await this.persistence?.load().catch(() => null);
    if (!saved || saved.set.images.length === 0) return false;
    for (const [id, blob] of saved.blobs) this.blobs.set(id, blob);
    this.nextImage = Math.max(0, ...saved.set.images.map((i) => Number(i.id.replace(/^\D+/, '')) || 0)) + 1;
    this.store.set({ set: saved.set, save: 'saved' });
    await this.select(saved.currentId ?? saved.set.images[0].id);
    return true;
  }

  current(): AnnotatedImage | null {
    const { set, currentId } = this.store.get();
    return set.images.find((i) => i.id === currentId) ?? null;
  }

  /** Images, or a dataset (images plus annotation files in any supported format). */
  async addFiles(files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    if (hasAnnotationFiles(files) || files.some(isZipFile)) return this.importDataset(files);
    let added: string | null = null;
    let rows: FileReportRow[] = [];
    // images already in the set (same bytes): skip them or add them again, as the user chooses
    const fresh = await withoutDuplicateFiles(this.store.get().set.images, this.blobs, files, askDuplicateChoice);
    for (const file of fresh.files) {
      const id = await this.addImage(file, file.name, [], 'train', rows);
      added ??= id;
    }
    const bad = rows.filter((r) => r.outcome === 'rejected').length;
    rows = markDuplicateRows(rows, fresh.duplicates, (d) => d.name);
    this.store.set({ importReport: { title: `Added ${pluralize(files.length, 'image file')}`, rows } });
    if (bad === 0) this.status.info(`Added ${pluralize(fresh.files.length, 'image')}.${duplicateNote(fresh.duplicates)}`);
    else {
      const first = rows.find((r) => r.outcome === 'rejected')!.issues[0].message;
      this.status.error(`Added ${pluralize(fresh.files.length - bad, 'image')}; ${pluralize(bad, 'file')} could not be read (${first}): see the import report in the panel.${duplicateNote(fresh.duplicates)}`);
    }
    if (added) await this.select(added);
  }

  /**
   * Adds one image with optional starting boxes (e.g. the detector's); returns its id, or null if it did not decode.
   * With `report`, the outcome is a report row there (the caller tells the user) instead of a status message.
   */
  async addImage(blob: Blob, name: string, boxes: readonly NewBox[], split: Split = 'train', report?: FileReportRow[]): Promise<string | null> {
    let size: { width: number; height: number };
    try {
      const decoded = await decodeImage(blob, name);
      size = { width: decoded.width, height: decoded.height };
      decoded.bitmap.close();
    } catch (error) {
      const message = `${imageErrorMessage(error, name)} It was not added.`;
      if (!report) this.status.error(message);
      report?.push({ file: name, outcome: 'rejected', summary: 'not imported', issues: [{ severity: 'rejected', kind: 'bad-image', message, file: name, objects: boxes.length }] });
      return null;
    }
    const set = this.store.get().set;
    const { classes, idOf } = mergeClasses(set, boxes.map((b) => b.className));
    const id = `img${this.nextImage++}`;
    const image: AnnotatedImage = {
      id, name: uniqueName(set, name), ...size, split,
      boxes: boxes.map((b, i) => ({ id: `b${i + 1}`, classId: idOf.get(b.className)!, box: b.box })),
    };
    this.blobs.set(id, blob);
    this.updateSet({ classes, images: [...set.images, image] });
    if (report) report.push({ file: name, outcome: 'read', summary: `image, ${size.width}×${size.height}`, issues: [] });
    else this.status.info(`Added “${image.name}”${boxes.length ? ` with ${pluralize(boxes.length, 'box', 'boxes')} to check` : ''}.`);
    return id;
  }

  async importDataset(files: readonly File[]): Promise<void> {
    this.status.busy(`Reading ${pluralize(files.length, 'file')}…`);
    try {
      const imported = await importAnnotations(await expandZipFiles(files));
      const current = this.store.get().set;
      // An empty set's placeholder class gives way to the dataset's own classes.
      const set = current.images.length === 0 && current.classes === EMPTY_SET.classes ? { ...current, classes: [] } : current;
      const { classes, idOf } = mergeClasses(set, imported.classNames);
      const pathById = new Map<string, string>();
      const images: AnnotatedImage[] = imported.records.map(({ record, file, heldOut }) => {
        const id = `img${this.nextImage++}`;
        this.blobs.set(id, file);
        pathById.set(id, importPath(file));
        return {
          id, name: record.imageFile, width: record.width, height: record.height, split: heldOut ? 'test' : 'train',
          boxes: record.objects.map((o, i): AnnotationBox => ({ id: `b${i + 1}`, classId: idOf.get(o.className)!, box: o.box,
            ...(o.difficult ? { difficult: true } : {}), ...(o.truncated === undefined ? {} : { truncated: o.truncated }) })),
        };
      });
      // images already in the set (same bytes): the user chooses skip, replace or keep both
      const placed = await placeImported(set.images, images, this.blobs, askDuplicateChoice);
      this.updateSet({ classes, images: placed.images });
      const summary = imported.report.split('\n')[0];
      const rows = markDuplicateRows(imported.rows, placed.duplicates, (d) => pathById.get(d.id)!);
      this.store.set({ importReport: { title: `Import of ${pluralize(files.length, 'file')} (${imported.layout.toUpperCase()})`, rows } });
      const c = outcomeCounts(imported.rows);
      const problems = c.rejected + c.warning;
      const text = `Imported ${imported.layout.toUpperCase()}: ${summary}.${duplicateNote(placed.duplicates)}`;
      // rejected files or images are errors the user must see; the report in the panel names each one
      if (c.rejected > 0) this.status.error(`${text} ${pluralize(c.rejected, 'file')} rejected${c.warning ? `, ${pluralize(c.warning, 'warning')}` : ''}: see the import report in the panel.`);
      else this.status.info(`${text}${problems + c.repaired ? ` ${pluralize(problems + c.repaired, 'file')} repaired or with warnings: see the import report in the panel.` : ''}`);
      if (placed.placed[0]) await this.select(placed.placed[0].id);
    } catch (error) {
      if (error instanceof ImportError) this.store.set({ importReport: { title: `Import of ${pluralize(files.length, 'file')} (not read)`, rows: error.rows } });
      const message = error instanceof Error ? error.message : String(error);
      this.status.error(`These files could not be read as a dataset: ${message}${error instanceof ImportError ? ' (every file is in the import report in the panel)' : ''}`);
    }
  }

  async select(id: string | null): Promise<void> {
    const image = this.store.get().set.images.find((i) => i.id === id);
    if (!image) return;
    this.store.set({
      currentId: image.id,
      editor: reduce({ ...this.store.get().editor, doc: { ...this.store.get().editor.doc, classes: this.store.get().set.classes } },
        { type: 'load', boxes: image.boxes, imageSize: { width: image.width, height: image.height } }),
    });
    await this.loadBitmap(image.id);
  }

  async step(direction: 1 | -1): Promise<void> {
    const { set, currentId } = this.store.get();
    if (set.images.length === 0) return;
    const index = set.images.findIndex((i) => i.id === currentId);
    await this.select(set.images[(index + direction + set.images.length) % set.images.length].id);
  }

  removeImage(id: string): void {
    const { set, currentId } = this.store.get();
    const index = set.images.findIndex((i) => i.id === id);
    if (index < 0) return;
    const images = set.images.filter((i) => i.id !== id);
    this.blobs.delete(id);
    this.updateSet({ ...set, images });
    if (currentId === id) {
      const next = images[Math.min(index, images.length - 1)] ?? null;
      if (next) void this.select(next.id);
      else this.store.set({ currentId: null });
    }
  }

  setSplit(ids: readonly string[], split: Split): void {
    const set = this.store.get().set;
    const chosen = new Set(ids);
    this.updateSet({ ...set, images: set.images.map((i) => (chosen.has(i.id) && i.split !== split ? { ...i, split } : i)) });
  }

  dispatch(action: EditorAction): void {
    const state = this.store.get();
    const editor = reduce(state.editor, action);
    if (editor === state.editor) return;
    let set = state.set;
    if (editor.doc !== state.editor.doc) {
      const image = this.current();
      const images = image && editor.doc.boxes !== image.boxes
        ? set.images.map((i) => (i.id === image.id ? { ...i, boxes: editor.doc.boxes } : i)) : set.images;
      if (images !== set.images || editor.doc.classes !== set.classes) set = { classes: editor.doc.classes, images };
    }
    const patch: Partial<AnnotateState> = set === state.set ? { editor } : { editor, set };
    this.store.set(patch);
  }

  handleKey(event: KeyboardEvent): boolean {
    if (this.overlay?.key(event)) return true;
    const editor = this.store.get().editor;
    if (event.key === 'Tab' && !this.tabCyclesBoxes(event.shiftKey ? -1 : 1)) return false;
    const command = annotateKeyCommand(event, editor);
    if (!command) return false;
    if (command.type === 'image') void this.step(command.direction);
    else this.dispatch(command);
    return true;
  }

  /**
   * Tab moves through the boxes only while the canvas has the focus, and lets the focus leave after the last box
   * (Shift+Tab: before the first), so the keyboard is never trapped in the canvas.
   */
  private tabCyclesBoxes(direction: 1 | -1): boolean {
    if (!this.stage.hasFocus()) return false;
    const { boxes } = this.store.get().editor.doc;
    const index = boxes.findIndex((b) => b.id === this.store.get().editor.selectedId);
    if (index < 0) return boxes.length > 0;
    return direction === 1 ? index < boxes.length - 1 : index > 0;
  }

  exportVoc(): Promise<void> {
    return this.exportZip(exportVocZip, 'annotations-voc.zip', 'a VOC devkit (zip)');
  }

  exportYolo(): Promise<void> {
    return this.exportZip(exportYoloZip, 'annotations-yolo.zip', 'a YOLO set (zip)');
  }

  exportCsv(): Promise<void> {
    return this.exportZip(exportCsvZip, 'annotations-csv.zip', 'a labels CSV (zip)');
  }

  /** A set the format cannot hold (two images with one stem, a class name with a line break) is said, not thrown. */
  private async exportZip(make: typeof exportYoloZip, fileName: string, what: string): Promise<void> {
    const set = this.store.get().set;
    if (set.images.length === 0) return this.status.error('There are no images to export yet.');
    try {
      downloadBlob(await make(set, this.blobs), fileName);
    } catch (error) {
      if (error instanceof DatasetError) return this.status.error(`Not exported: ${error.message}`);
      throw error;
    }
    this.status.info(`Exported ${pluralize(set.images.length, 'image')} as ${what}.`);
  }

  exportCocoJson(): void {
    const set = this.store.get().set;
    if (set.images.length === 0) return this.status.error('There are no images to export yet.');
    downloadBlob(exportCoco(set), 'annotations-coco.json');
    this.status.info(`Exported ${pluralize(set.images.length, 'image')} as COCO JSON.`);
  }

  private updateSet(set: AnnotationSet): void {
    const state = this.store.get();
    const editor = set.classes === state.editor.doc.classes ? state.editor : { ...state.editor, doc: { ...state.editor.doc, classes: set.classes } };
    this.store.set({ set, editor });
  }

  private async loadBitmap(id: string): Promise<void> {
    if (this.bitmap?.id === id) return this.render(true);
    const blob = this.blobs.get(id);
    if (!blob) return;
    const name = this.store.get().set.images.find((i) => i.id === id)?.name ?? id;
    let decoded: LoadedImage;
    try {
      decoded = await decodeImage(blob, name);
    } catch (error) {
      this.status.error(`${imageErrorMessage(error, name)} Its boxes are kept.`);
      return;
    }
    if (this.store.get().currentId !== id) return decoded.bitmap.close();
    this.bitmap?.bitmap.close();
    this.bitmap = { id, bitmap: decoded.bitmap, width: decoded.width, height: decoded.height };
    this.render(true);
  }

  private render(imageChanged: boolean): void {
    if (!this.active) return;
    const state = this.store.get();
    const shown = this.bitmap && this.bitmap.id === state.currentId ? this.bitmap : null;
    if (imageChanged) this.stage.setImage(shown?.bitmap ?? null, shown ?? undefined);
    this.stage.setScene(state.currentId ? [...annotationScene(state.editor, state.showLabels), ...(this.overlay?.scene() ?? [])] : []);
    this.stage.setDescription(this.describe());
  }

  private describe(): string {
    const image = this.current();
    if (!image) return 'No image to annotate';
    return `Annotating ${image.name}: ${pluralize(image.boxes.length, 'box', 'boxes')}`;
  }

  private onPointer(pointer: StagePointer): void {
    if (!this.current()) return;
    const tolerance = HIT_PX / this.stage.viewport.scale;
    const p = pointer.image;
    if (pointer.type === 'down') {
      if (pointer.event.button !== 0) return;
      if (this.overlay?.pointerDown(p, tolerance)) return;
      this.dispatch({ type: 'pointerDown', point: p, tolerance });
    } else if (pointer.type === 'up') this.dispatch({ type: 'pointerUp', point: p, tolerance });
    else if (pointer.type === 'move') this.dispatch({ type: 'pointerMove', point: p });
    else this.dispatch({ type: 'pointerLeave' });
    this.stage.setCursor(this.cursorAt(p, tolerance));
  }

  private cursorAt(point: { x: number; y: number }, tolerance: number): string {
    const editor = this.store.get().editor;
    if (editor.tool === 'draw') return 'crosshair';
    if (editor.interaction.kind === 'moving') return 'grabbing';
    const selected = editor.doc.boxes.find((b) => b.id === editor.selectedId);
    const handle = selected ? hitHandle(selected.box, point, tolerance) : null;
    if (handle !== null) return HANDLE_CURSORS[handle];
    const over = editor.doc.boxes.some((b) => point.x >= b.box[0] && point.x <= b.box[2] && point.y >= b.box[1] && point.y <= b.box[3]);
    return over ? 'move' : 'default';
  }

  private scheduleSave(): void {
    if (!this.persistence) return;
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => void this.saveNow(), AUTOSAVE_MS);
    // never "All changes saved" while a change waits for its save: a user may close the tab on that word
    if (this.store.get().save !== 'unsaved') this.store.set({ save: 'unsaved' });
  }

  async saveNow(): Promise<void> {
    if (!this.persistence) return;
    window.clearTimeout(this.saveTimer);
    const { set, currentId } = this.store.get();
    this.store.set({ save: 'saving' });
    try {
      await this.persistence.save(set, this.blobs, currentId);
      // a change made while this save ran is not in it: its own save is scheduled and the status stays 'unsaved'
      const now = this.store.get();
      if (now.set === set && now.currentId === currentId) this.store.set({ save: 'saved' });
    } catch (error) {
      this.store.set({ save: 'error' });
      this.status.error(`Autosave failed: ${storageErrorMessage(error)}. Your annotations are kept in this tab: export them (COCO or VOC) before closing it.`);
    }
  }
}

/** What happened to the images that were already in the set, for the status line. */
function duplicateNote(duplicates: readonly DuplicateOutcome[]): string {
  const count = (outcome: DuplicateOutcome['outcome']) => duplicates.filter((d) => d.outcome === outcome).length;
  const parts = [[count('skipped'), 'skipped'], [count('replaced'), 'replaced'], [count('copy'), 'added again as copies']] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  if (said.length === 0) return '';
  return ` ${pluralize(duplicates.length, 'image')} already in the set: ${said.join(', ')}.`;
}
