/**
 * "Suggest boxes" in the Annotate tab (model-assisted labelling, as in CVAT and Label Studio): the model in use runs
 * through the page's detector (models/fast_rcnn_service.ts, the library's detection worker) on the current image or
 * on every unlabelled one; its detections become suggestions, drawn dashed with their score, which the user accepts
 * (they become ordinary boxes, one undo step), edits after accepting, or rejects. Suggestions live only here: they are
 * not part of the annotation set, so they are never saved, exported or trained on. Pure rules: suggestions.ts.
 */
import { pluralize } from '../../data/plural';
import { boxArea } from '../../geometry/box';
import { DEFAULT_DETECT } from '../../model/defaults';
import { classColour } from '../../render/colours';
import type { DrawnObject } from '../../render/scene';
import type { DetectorService, DetectorStatus } from '../detector_service';
import { decodeImage, imageErrorMessage } from '../image_input';
import { Store } from '../state/store';
import type { StatusLine } from '../status';
import type { AnnotateController, AnnotateOverlay } from './annotate_controller';
import type { AnnotatedImage } from './annotation_set';
import { hitHandle, smallestAt } from './handles';
import {
  acceptSuggestions, classKey, classTarget, DEFAULT_SUGGESTION_THRESHOLD, suggestionLabel, suggestionsFromDetections,
  unknownClasses, visibleSuggestions, type ClassMapping, type Suggestion,
} from './suggestions';

/** Dashes of a suggestion's outline: the user's boxes are solid. */
const SUGGESTION_DASH: readonly number[] = [6, 4];
/** The outline of a suggestion whose class the dataset does not have yet. */
const NEW_CLASS_COLOUR = '#ffffff';

export interface SuggestRun {
  /** Images finished, of `total`. */
  readonly done: number;
  readonly total: number;
  /** The image being detected now. */
  readonly name: string;
}

export interface SuggestState {
  /** Per image id, the suggestions not yet accepted or rejected (all scores: the threshold applies when shown). */
  readonly byImage: ReadonlyMap<string, readonly Suggestion[]>;
  readonly threshold: number;
  readonly mapping: ClassMapping;
  readonly selectedId: string | null;
  readonly run: SuggestRun | null;
}

export class SuggestionsController implements AnnotateOverlay {
  readonly store = new Store<SuggestState>({
    byImage: new Map(), threshold: DEFAULT_SUGGESTION_THRESHOLD, mapping: new Map(), selectedId: null, run: null,
  });
  private abort: AbortController | null = null;
  private runNumber = 0;

  constructor(
    readonly annotate: AnnotateController,
    readonly detector: DetectorService,
    private readonly status: StatusLine,
  ) {
    annotate.attachOverlay(this);
    this.store.subscribe(() => annotate.refresh());
    annotate.store.subscribe((state, previous) => {
      // a selected box of the user's and a selected suggestion would both answer Delete: one selection at a time
      const imageChanged = state.currentId !== previous.currentId;
      if (this.store.get().selectedId && (imageChanged || (state.editor.selectedId && !previous.editor.selectedId))) this.select(null);
    });
  }

  /** The suggestions offered on an image (the current one by default), best first. */
  visible(imageId = this.annotate.store.get().currentId): Suggestion[] {
    const { set, editor, currentId } = this.annotate.store.get();
    const image = set.images.find((i) => i.id === imageId);
    const all = imageId ? this.store.get().byImage.get(imageId) : undefined;
    if (!image || !all) return [];
    const { threshold, mapping } = this.store.get();
    // the current image's boxes are the editor's (an edit in progress included)
    const boxes = imageId === currentId ? editor.doc.boxes : image.boxes;
    return visibleSuggestions(all, threshold, boxes, set.classes, mapping);
  }

  /** The model classes of the current image's suggestions that the dataset lacks. */
  unknownClasses(): string[] {
    const { set } = this.annotate.store.get();
    return unknownClasses(this.visible(), set.classes, this.store.get().mapping);
  }

  /** How a suggestion is named: its dataset class, or the model's name marked new. */
  className(s: Suggestion): string {
    const { set } = this.annotate.store.get();
    const target = classTarget(s.modelClass, set.classes, this.store.get().mapping);
    return target.kind === 'new' ? `${target.name} (new class)` : set.classes.find((c) => c.id === target.classId)?.name ?? '?';
  }

  /** Images other than the current one with suggestions to check. */
  otherImagesWithSuggestions(): AnnotatedImage[] {
    const { set, currentId } = this.annotate.store.get();
    return set.images.filter((i) => i.id !== currentId && this.visible(i.id).length > 0);
  }

  unlabelledImages(): AnnotatedImage[] {
    return this.annotate.store.get().set.images.filter((i) => i.boxes.length === 0);
  }

  setThreshold(threshold: number): void {
    this.store.set({ threshold });
    const selected = this.store.get().selectedId;
    if (selected && !this.visible().some((s) => s.id === selected)) this.select(null);
  }

  /** Boxes of the model's class `modelClass` get the dataset class `classId` from now on. */
  mapClass(modelClass: string, classId: number): void {
    this.store.set({ mapping: new Map([...this.store.get().mapping, [classKey(modelClass), classId]]) });
  }

  /** The model's class joins the dataset's classes (its suggestions then match it by name). */
  addClass(modelClass: string): void {
    this.annotate.dispatch({ type: 'addClass', name: modelClass });
  }

  select(id: string | null): void {
    if (id === this.store.get().selectedId) return;
    if (id && this.annotate.store.get().editor.selectedId) this.annotate.dispatch({ type: 'select', id: null });
    this.store.set({ selectedId: id });
  }

  async suggestCurrent(): Promise<void> {
    const image = this.annotate.current();
    if (!image) return this.status.error('Add an image first: suggestions are made for the image shown.');
    await this.run([image]);
  }

  async suggestUnlabelled(): Promise<void> {
    const images = this.unlabelledImages();
    if (images.length === 0) return this.status.info('Every image has boxes already: nothing to suggest for.');
    await this.run(images);
  }

  cancel(): void {
    this.abort?.abort(new DOMException('suggesting boxes was cancelled', 'AbortError'));
  }

  /** Accepts one suggestion of the current image (the selected one by default): it becomes a box, selected for editing. */
  accept(id = this.store.get().selectedId): void {
    const s = this.visible().find((x) => x.id === id);
    if (s) this.acceptList([s]);
  }

  /** Every suggestion offered on the current image becomes a box; those under the threshold are dropped with them. */
  acceptAll(): void {
    const list = this.visible();
    if (list.length === 0) return;
    this.acceptList(list);
    this.dropImage(this.annotate.store.get().currentId);
    this.status.info(`Accepted ${pluralize(list.length, 'suggested box', 'suggested boxes')}. Ctrl+Z takes them back.`);
  }

  reject(id = this.store.get().selectedId): void {
    const imageId = this.annotate.store.get().currentId;
    if (!id || !imageId) return;
    this.remove(imageId, [id]);
  }

  /** No suggestions left on the current image, whatever their score. */
  rejectAll(): void {
    const count = this.visible().length;
    this.dropImage(this.annotate.store.get().currentId);
    if (count) this.status.info(`Rejected ${pluralize(count, 'suggested box', 'suggested boxes')}.`);
  }

  async nextImageWithSuggestions(): Promise<void> {
    const { set, currentId } = this.annotate.store.get();
    const index = set.images.findIndex((i) => i.id === currentId);
    const order = [...set.images.slice(index + 1), ...set.images.slice(0, Math.max(0, index))];
    const next = order.find((i) => this.visible(i.id).length > 0);
    if (next) await this.annotate.select(next.id);
  }

  // AnnotateOverlay: what the Annotate canvas asks of the suggestions

  scene(): DrawnObject[] {
    const { set } = this.annotate.store.get();
    const { selectedId, mapping } = this.store.get();
    return this.visible().map((s) => {
      const target = classTarget(s.modelClass, set.classes, mapping);
      const selected = s.id === selectedId;
      return {
        kind: 'detection', id: `suggestion:${s.id}`, box: s.box, dash: SUGGESTION_DASH,
        colour: target.kind === 'existing' ? classColour(target.classId) : NEW_CLASS_COLOUR,
        lineWidth: selected ? 3 : 2, alpha: selectedId == null || selected ? 1 : 0.7,
        label: suggestionLabel(s, this.className(s)), emphasis: selected ? 'focused' : 'normal',
      };
    });
  }

  /**
   * A press in the select tool on a suggestion selects it, unless it is on the selected box's handle or on a box of
   * the user's that is smaller than the suggestion (the smaller one is the one aimed at, as the editor decides).
   */
  pointerDown(point: { x: number; y: number }, tolerance: number): boolean {
    const { editor } = this.annotate.store.get();
    const hit = editor.tool === 'select' ? smallestAt(this.visible(), point, tolerance) : null;
    const selected = editor.doc.boxes.find((b) => b.id === editor.selectedId);
    const onHandle = selected != null && hitHandle(selected.box, point, tolerance) !== null;
    const box = smallestAt(editor.doc.boxes, point, tolerance);
    if (!hit || onHandle || (box && boxArea(box.box) < boxArea(hit.box))) {
      this.select(null);
      return false;
    }
    this.select(hit.id);
    return true;
  }

  /** Enter accepts the selected suggestion, Delete (or Backspace) rejects it, Escape lets it go. */
  key(event: KeyboardEvent): boolean {
    const id = this.store.get().selectedId;
    if (!id || event.ctrlKey || event.metaKey || event.altKey) return false;
    if (event.key === 'Enter') this.accept(id);
    else if (event.key === 'Delete' || event.key === 'Backspace') this.reject(id);
    else if (event.key === 'Escape') this.select(null);
    else return false;
    return true;
  }

  private acceptList(list: readonly Suggestion[]): void {
    const imageId = this.annotate.store.get().currentId;
    if (!imageId) return;
    const { set } = this.annotate.store.get();
    const accepted = acceptSuggestions(list, set.classes, this.store.get().mapping);
    this.remove(imageId, list.map((s) => s.id));
    this.annotate.dispatch({ type: 'addBoxes', ...accepted });
  }

  private remove(imageId: string, ids: readonly string[]): void {
    const { byImage, selectedId } = this.store.get();
    const gone = new Set(ids);
    const left = (byImage.get(imageId) ?? []).filter((s) => !gone.has(s.id));
    const next = new Map(byImage);
    if (left.length) next.set(imageId, left);
    else next.delete(imageId);
    this.store.set({ byImage: next, selectedId: selectedId && gone.has(selectedId) ? null : selectedId });
  }

  private dropImage(imageId: string | null): void {
    if (imageId) this.remove(imageId, (this.store.get().byImage.get(imageId) ?? []).map((s) => s.id));
  }

  /** Detects on each image in turn (one at a time: the detection worker runs one image at once anyway). */
  private async run(images: readonly AnnotatedImage[]): Promise<void> {
    const detector = this.detector.status();
    if (detector.state !== 'ready') return this.status.error(`No boxes suggested: ${modelProblem(detector)}`);
    this.cancel();
    const abort = new AbortController();
    this.abort = abort;
    const prefix = `r${++this.runNumber}`;
    let boxes = 0;
    let done = 0;
    const failed: string[] = [];
    try {
      for (const image of images) {
        this.store.set({ run: { done, total: images.length, name: image.name } });
        this.status.busy(images.length === 1 ? `Suggesting boxes for “${image.name}”…` : `Suggesting boxes: image ${done + 1} of ${images.length}…`);
        const found = await this.detectOne(image, abort.signal).catch((error: unknown) => {
          if (abort.signal.aborted) throw error;
          failed.push(error instanceof Error ? error.message : String(error));
          return null;
        });
        done++;
        if (!found || !this.annotate.store.get().set.images.some((i) => i.id === image.id)) continue;
        this.store.set({ byImage: new Map([...this.store.get().byImage, [image.id, suggestionsFromDetections(found, `${image.id}.${prefix}`)]]) });
        boxes += this.visible(image.id).length;
      }
    } catch {
      this.status.info(`Cancelled after ${pluralize(done, 'image')}; the suggestions made so far are kept.`);
      return;
    } finally {
      if (this.abort === abort) this.abort = null;
      this.store.set({ run: null });
    }
    const threshold = this.store.get().threshold.toFixed(2);
    const text = `${pluralize(boxes, 'suggested box', 'suggested boxes')} scoring ${threshold} or more on ${pluralize(done - failed.length, 'image')}`;
    if (failed.length) this.status.error(`${text}. ${failed.length} failed: ${failed.slice(0, 2).join(' ')}`);
    else this.status.info(`${text}. Click one, then Enter accepts and Delete rejects it.`);
    if (this.visible().length === 0 && images.length > 1) await this.nextImageWithSuggestions();
  }

  private async detectOne(image: AnnotatedImage, signal: AbortSignal): Promise<readonly { className: string; score: number; box: readonly [number, number, number, number] }[]> {
    const blob = this.annotate.blobs.get(image.id);
    if (!blob) throw new Error(`“${image.name}” has no image data in this tab.`);
    let decoded;
    try {
      decoded = await decodeImage(blob, image.name);
    } catch (error) {
      throw new Error(imageErrorMessage(error, image.name), { cause: error });
    }
    try {
      // the bitmap may be a shrunk copy; boxes come back in the original's pixels, like the user's
      signal.throwIfAborted(); // cancelled while decoding
      const result = await this.detector.detect(decoded.bitmap, {
        scoreThreshold: DEFAULT_DETECT.candidateScoreThreshold, nmsIouThreshold: DEFAULT_DETECT.nmsIouThreshold,
        originalSize: { width: image.width, height: image.height }, signal,
      });
      signal.throwIfAborted(); // a run that finished as Cancel was pressed brings nothing
      return result.detections;
    } finally {
      decoded.bitmap.close();
    }
  }
}

/** Why the model in use cannot suggest boxes now, in a sentence. */
export function modelProblem(status: DetectorStatus): string {
  const name = status.modelName ? `the model “${status.modelName}”` : 'the model';
  if (status.state === 'loading') return `${name} is still loading; try again in a moment.`;
  if (status.state === 'error') return `${name} ${status.message}`;
  return status.message;
}
