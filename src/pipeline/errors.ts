/**
 * The one error type the library throws (besides AbortError from a fired AbortSignal), with a machine-readable
 * `code` so a host page can react (e.g. show "no model yet" differently from "bad image").
 */

export type DetectorErrorCode =
  | 'model-not-found' // no file at the model URL (HTTP 404, or no such IndexedDB entry)
  | 'model-invalid' // the file is there but is not a saved detector
  | 'backbone-not-found' // the pretrained backbone graph is not served where the model says
  | 'image' // the image could not be fetched or decoded
  | 'dataset' // a dataset given to train() or evaluate() is unusable
  | 'disposed' // the detector was disposed
  | 'backend'; // no tfjs backend could start

export class DetectorError extends Error {
  override readonly name = 'DetectorError';

  constructor(
    readonly code: DetectorErrorCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
