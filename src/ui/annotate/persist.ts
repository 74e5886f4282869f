/**
 * Autosave of the annotation set in IndexedDB (database "frcnn-annotations"): image files in "blobs" (written once
 * per image), each image's boxes and split in "images" (rewritten when they change), classes and order in "meta".
 */
import type { AnnotatedImage, AnnotationSet } from './annotation_set';
import type { AnnotationClass } from './editor';

const DB_NAME = 'frcnn-annotations';
const VERSION = 1;

interface Meta {
  readonly classes: readonly AnnotationClass[];
  readonly order: readonly string[];
  readonly currentId: string | null;
}

export interface SavedSession {
  readonly set: AnnotationSet;
  readonly blobs: Map<string, Blob>;
  readonly currentId: string | null;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const store of ['blobs', 'images', 'meta']) if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

function get<T>(store: IDBObjectStore, key: IDBValidKey): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const request = store.get(key);
    request.onsuccess = () => resolve(request.result as T | undefined);
    request.onerror = () => reject(request.error);
  });
}

export class AnnotationStore {
  private db: Promise<IDBDatabase> | null = null;
  /** Images whose blob is already stored. */
  private readonly storedBlobs = new Set<string>();
  /** The image records as last written, to skip unchanged ones. */
  private readonly written = new Map<string, AnnotatedImage>();

  private database(): Promise<IDBDatabase> {
    this.db ??= open();
    return this.db;
  }

  async load(): Promise<SavedSession | null> {
    const db = await this.database();
    const tx = db.transaction(['blobs', 'images', 'meta'], 'readonly');
    const meta = await get<Meta>(tx.objectStore('meta'), 'state');
    if (!meta) return null;
    const images: AnnotatedImage[] = [];
    const blobs = new Map<string, Blob>();
    for (const id of meta.order) {
      const image = await get<AnnotatedImage>(tx.objectStore('images'), id);
      const blob = await get<Blob>(tx.objectStore('blobs'), id);
      if (!image || !blob) continue;
      images.push(image);
      blobs.set(id, blob);
      this.storedBlobs.add(id);
      this.written.set(id, image);
    }
    return { set: { classes: meta.classes, images }, blobs, currentId: meta.currentId };
  }

  /** Writes what changed since the last save. */
  async save(set: AnnotationSet, blobs: ReadonlyMap<string, Blob>, currentId: string | null): Promise<void> {
    const db = await this.database();
    const tx = db.transaction(['blobs', 'images', 'meta'], 'readwrite');
    const ids = new Set(set.images.map((i) => i.id));
    const newBlobs: string[] = [];
    const newImages: AnnotatedImage[] = [];
    for (const image of set.images) {
      const blob = blobs.get(image.id);
      if (blob && !this.storedBlobs.has(image.id)) {
        tx.objectStore('blobs').put(blob, image.id);
        newBlobs.push(image.id);
      }
      if (this.written.get(image.id) !== image) {
        tx.objectStore('images').put(image, image.id);
        newImages.push(image);
      }
    }
    const removed = [...this.written.keys()].filter((k) => !ids.has(k));
    for (const id of removed) {
      tx.objectStore('images').delete(id);
      tx.objectStore('blobs').delete(id);
    }
    const meta: Meta = { classes: set.classes, order: set.images.map((i) => i.id), currentId };
    tx.objectStore('meta').put(meta, 'state');
    // a failed transaction (a full quota) rejects here and leaves the bookkeeping as it was, so the next save
    // writes everything again instead of believing it stored
    await done(tx);
    newBlobs.forEach((id) => this.storedBlobs.add(id));
    newImages.forEach((image) => this.written.set(image.id, image));
    for (const id of removed) {
      this.written.delete(id);
      this.storedBlobs.delete(id);
    }
  }
}
