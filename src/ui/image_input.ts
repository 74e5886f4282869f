/**
 * Getting images into the page: drop, paste and the file picker all end in decodeImage(), which either gives a
 * decoded bitmap or a plain-language error; the caller keeps its current image when decoding fails.
 */
import { decodeImageBlob, ImageDecodeError } from '../data/image_decode';

export { ImageDecodeError } from '../data/image_decode';

export interface LoadedImage {
  readonly name: string;
  readonly blob: Blob;
  /** Upright and opaque; shrunk to at most MAX_DECODED_SIDE per side when the file is larger. */
  readonly bitmap: ImageBitmap;
  /** The original image's upright size: boxes and annotations are in these pixels. */
  readonly width: number;
  readonly height: number;
}

/** Decodes through src/data/image_decode.ts; throws ImageDecodeError with a message for the user. */
export async function decodeImage(blob: Blob, name: string): Promise<LoadedImage> {
  const decoded = await decodeImageBlob(blob, name);
  return { name, blob, bitmap: decoded.bitmap, width: decoded.width, height: decoded.height };
}

/** The message for any failure of decodeImage (an unexpected error included). */
export function imageErrorMessage(error: unknown, name: string): string {
  return error instanceof ImageDecodeError ? error.message : `“${name}” could not be opened (${error instanceof Error ? error.message : String(error)}).`;
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
