/**
 * The contract between the conformance command (scripts/check_golden.ts) and the golden-file layouts it knows.
 * A layout recognises a parsed file by its fields and checks the implementation against every case in it.
 */

export type GoldenBackend = 'cpu' | 'webgpu' | 'webgl';
export const GOLDEN_BACKENDS: readonly GoldenBackend[] = ['cpu', 'webgpu', 'webgl'];

export interface GoldenOptions {
  /** tfjs backend to run on; pure-TypeScript layouts (nms, voc_ap) ignore it. */
  readonly backend: GoldenBackend;
}

export interface CaseResult {
  /** Printed after "ok   " or "FAIL ", e.g. "nms case 3 (120 boxes, 4 classes, iou 0.5)". */
  readonly name: string;
  readonly ok: boolean;
  /** Why it failed; printed after the name. */
  readonly reason?: string;
}

export interface GoldenLayout {
  readonly name: string;
  /** The fields that identify the layout, for the "unrecognised layout" message. */
  readonly expects?: string;
  matches(json: unknown): boolean;
  /** One result per case; may throw, which the checker reports as one failure. */
  run(json: unknown, options: GoldenOptions): Promise<CaseResult[]>;
}
