/**
 * Page-side glue for the headless commands (scripts/train.ts, scripts/eval.ts), loaded into the harness page by
 * train_job.ts (`window.harness.load('/scripts/lib/wire_job.ts')`): runs a TrainJob through the same worker the app
 * uses and relays every event to Node through one exposed function. Binary payloads cross the page boundary as
 * base64 (proposals in and out, the model's weights out). Runs in the browser only: Node imports its types.
 */
import { TrainingClient } from '../../src/training/client';
import type { ModelFiles, TrainImageSpec, TrainJob } from '../../src/training/protocol';

/** A TrainJob whose proposals and model weights are base64 strings (what page.evaluate can carry). */
export type WireJob = Omit<TrainJob, 'train' | 'test' | 'validation' | 'model'> & {
  readonly train: WireImage[];
  readonly test: WireImage[];
  readonly validation?: WireImage[];
  readonly model?: { readonly modelJson: string; readonly weights: string };
};
export type WireImage = Omit<TrainImageSpec, 'proposals'> & { readonly proposals?: string };

export type WireEvent =
  | { readonly type: 'phase'; readonly phase: string; readonly done: number; readonly total: number; readonly detail?: string }
  | { readonly type: 'progress'; readonly progress: unknown }
  | { readonly type: 'proposals'; readonly id: string; readonly boxes: string }
  | { readonly type: 'checkpoint'; readonly iteration: number }
  /** A NaN step rolled back, or a lost GPU device recovered from: a sentence for the log. */
  | { readonly type: 'notice'; readonly message: string }
  | { readonly type: 'evaluation'; readonly result: unknown }
  | { readonly type: 'validation'; readonly point: unknown }
  | { readonly type: 'model'; readonly modelJson: string; readonly weights: string }
  | { readonly type: 'done'; readonly summary: unknown };

export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function decodeImage(image: WireImage): TrainImageSpec {
  const { proposals, ...rest } = image;
  if (proposals === undefined) return rest;
  const bytes = fromBase64(proposals);
  return { ...rest, proposals: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) };
}

/** Runs the job; resolves when the worker is done (rejects on a worker error). */
export async function runWireJob(wire: WireJob, emit: (event: WireEvent) => Promise<void>): Promise<void> {
  const model: ModelFiles | undefined = wire.model && { modelJson: wire.model.modelJson, weights: fromBase64(wire.model.weights).slice().buffer };
  const job: TrainJob = { ...wire, train: wire.train.map(decodeImage), test: wire.test.map(decodeImage), validation: wire.validation?.map(decodeImage), model };
  const pending: Promise<void>[] = [];
  const send = (event: WireEvent) => pending.push(emit(event));
  const client = new TrainingClient(job, {
    onPhase: (phase, done, total, detail) => send({ type: 'phase', phase, done, total, detail }),
    onProgress: (progress) => send({ type: 'progress', progress }),
    onProposals: (id, boxes) => send({ type: 'proposals', id, boxes: toBase64(new Uint8Array(boxes.buffer, boxes.byteOffset, boxes.byteLength)) }),
    onCheckpoint: (iteration) => send({ type: 'checkpoint', iteration }),
    onNan: (_iteration, _lr, message) => send({ type: 'notice', message }),
    onRecovered: (_iteration, message) => send({ type: 'notice', message }),
    onWarning: (message) => send({ type: 'notice', message }),
    onEvaluation: (result) => send({ type: 'evaluation', result }),
    onValidation: (point) => send({ type: 'validation', point }),
    onModel: (files) => send({ type: 'model', modelJson: files.modelJson, weights: toBase64(new Uint8Array(files.weights)) }),
  });
  try {
    const summary = await client.done;
    await Promise.all(pending);
    await emit({ type: 'done', summary });
  } finally {
    client.terminate();
  }
}
