/**
 * Getting images into the page: drop, paste and the file picker all end in decodeImage(), which either gives a
 * decoded bitmap or a plain-language error; the caller keeps its current image when decoding fails.
 */

export interface LoadedImage {
  readonly name: string;
  readonly blob: Blob;
  readonly bitmap: ImageBitmap;
  readonly width: number;
  readonly height: number;
}

/** Larger images decode, but would make the detector (and the tab) run out of memory. */
export const MAX_IMAGE_SIDE = 8192;

export class ImageLoadError extends Error {}

export async function decodeImage(blob: Blob, name: string): Promise<LoadedImage> {
  if (blob.size === 0) throw new ImageLoadError(`“${name}” is empty.`);
  if (blob.type && !blob.type.startsWith('image/')) {
    throw new ImageLoadError(`“${name}” is not an image (it is ${blob.type}). Use a JPEG, PNG, WebP, GIF or BMP file.`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw new ImageLoadError(`“${name}” could not be read as an image: the file is damaged or in a format this browser cannot decode.`);
  }
  if (bitmap.width > MAX_IMAGE_SIDE || bitmap.height > MAX_IMAGE_SIDE) {
    bitmap.close();
    throw new ImageLoadError(`“${name}” is too large (${MAX_IMAGE_SIDE} pixels per side at most).`);
  }
  return { name, blob, bitmap, width: bitmap.width, height: bitmap.height };
}

export interface ImageInputOptions {
  /** The element that accepts dropped files (it gets the class "drag-over" while a file hovers it). */
  readonly dropTarget: HTMLElement;
  readonly onFiles: (files: File[]) => void;
  /** Paste is global; return false to ignore a paste (e.g. when another tab is showing). */
  readonly acceptPaste?: () => boolean;
}

/** Wires drop and paste; returns a function that removes the listeners. */
export function attachImageInput(options: ImageInputOptions): () => void {
  const { dropTarget, onFiles } = options;
  let depth = 0;
  const hasFiles = (event: DragEvent): boolean => Array.from(event.dataTransfer?.types ?? []).includes('Files');
  const onDragEnter = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    depth += 1;
    dropTarget.classList.add('drag-over');
  };
  const onDragOver = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = (): void => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) dropTarget.classList.remove('drag-over');
  };
  const onDrop = (event: DragEvent): void => {
    event.preventDefault();
    depth = 0;
    dropTarget.classList.remove('drag-over');
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length > 0) onFiles(files);
  };
  const onPaste = (event: ClipboardEvent): void => {
    if (options.acceptPaste && !options.acceptPaste()) return;
    const target = event.target as HTMLElement | null;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
    const files = Array.from(event.clipboardData?.files ?? []);
    if (files.length === 0) return;
    event.preventDefault();
    onFiles(files);
  };
  dropTarget.addEventListener('dragenter', onDragEnter);
  dropTarget.addEventListener('dragover', onDragOver);
  dropTarget.addEventListener('dragleave', onDragLeave);
  dropTarget.addEventListener('drop', onDrop);
  window.addEventListener('paste', onPaste);
  return () => {
    dropTarget.removeEventListener('dragenter', onDragEnter);
    dropTarget.removeEventListener('dragover', onDragOver);
    dropTarget.removeEventListener('dragleave', onDragLeave);
    dropTarget.removeEventListener('drop', onDrop);
    window.removeEventListener('paste', onPaste);
  };
}
