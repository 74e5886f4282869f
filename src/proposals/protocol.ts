/**
 * Messages between the page (proposal_client.ts) and a proposal worker (proposal_worker.ts). A request names
 * the colour-space jobs that worker should run; the worker answers with progress messages, then one result (or
 * one error) carrying its hierarchies' boxes already scored and de-duplicated, in transferable typed arrays.
 */
import type { ColorSpaceJob } from './modes';

export interface RunRequest {
  readonly type: 'run';
  readonly id: number;
  readonly image: { readonly width: number; readonly height: number; readonly data: Uint8ClampedArray };
  readonly jobs: readonly ColorSpaceJob[];
}

export type WorkerRequest = RunRequest;

export interface ProgressMessage {
  readonly type: 'progress';
  readonly id: number;
  /** Work units finished by this worker so far (see jobUnits in selective_search.ts). */
  readonly done: number;
}

export interface ResultMessage {
  readonly type: 'result';
  readonly id: number;
  readonly boxes: Float32Array;
  readonly scores: Float64Array;
  readonly found: Uint32Array;
  /** Seconds the worker spent computing. */
  readonly seconds: number;
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly id: number;
  readonly message: string;
}

export type WorkerResponse = ProgressMessage | ResultMessage | ErrorMessage;
