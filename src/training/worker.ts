/**
 * The training worker (module worker): owns tfjs, the feature cache and the trainer, and speaks only protocol.ts.
 * One job at a time; control messages are honoured between iterations.
 */
import * as tf from '@tensorflow/tfjs';
import type { FromWorker, ToWorker } from './protocol';
import { RunControl } from './run_control';
import { runRecovering } from './recovery';

const scope = self as unknown as Worker;
let control: RunControl | null = null;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message.type === 'progress' ? withMemory(message) : message, transfer);
}

/** Every progress event carries the worker's live tensor count and bytes, so leaks show up from the page. */
function withMemory(message: Extract<FromWorker, { type: 'progress' }>): FromWorker {
  const { numTensors, numBytes } = tf.memory();
  return { ...message, progress: { ...message.progress, memory: { numTensors, numBytes } } };
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'start': {
      if (control) {
        post({ type: 'error', message: 'a job is already running in this worker' });
        return;
      }
      const current = new RunControl();
      control = current;
      runRecovering(message.job, current, post)
        .catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) }))
        .finally(() => {
          control = null;
        });
      return;
    }
    case 'pause':
      control?.pause();
      return;
    case 'resume':
      control?.resume();
      return;
    case 'cancel':
      control?.cancel();
      return;
    case 'evaluate':
      if (control) control.evaluateRequested = true;
      return;
    case 'export':
      if (control) control.exportRequested = true;
      return;
  }
};
