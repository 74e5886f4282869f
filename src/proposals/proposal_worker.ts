/**
 * Web Worker entry: runs selective search jobs off the main thread. It speaks protocol.ts only and has no state
 * between requests. Cancelling is done by the client terminating the worker.
 */
import type { ProgressMessage, ResultMessage, RunRequest, WorkerRequest, WorkerResponse } from './protocol';
import { scoreAndDeduplicate } from './ranking';
import { runColorSpaceJob } from './selective_search';
import type { Hierarchy } from './types';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  try {
    run(request);
  } catch (error) {
    post({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
  }
};

function run(request: RunRequest): void {
  const started = performance.now();
  const hierarchies: Hierarchy[] = [];
  let finishedUnits = 0;
  for (const job of request.jobs) {
    let jobDone = 0;
    hierarchies.push(
      ...runColorSpaceJob(request.image, job, (done) => {
        jobDone = done;
        post({ type: 'progress', id: request.id, done: finishedUnits + done } satisfies ProgressMessage);
      }),
    );
    finishedUnits += jobDone;
  }
  const config = request.jobs[0]?.config;
  const scored = scoreAndDeduplicate(hierarchies, request.image, { seed: config?.seed ?? 1, minBoxSize: config?.minBoxSize ?? 0 });
  const result: ResultMessage = {
    type: 'result',
    id: request.id,
    boxes: scored.boxes,
    scores: scored.scores,
    found: scored.found,
    seconds: (performance.now() - started) / 1000,
  };
  post(result, [scored.boxes.buffer, scored.scores.buffer, scored.found.buffer]);
}

function post(message: WorkerResponse, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}
