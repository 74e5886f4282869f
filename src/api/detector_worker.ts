/**
 * The detection worker (module worker, one per page, src/api/worker_detector.ts starts it): hosts the library's
 * in-thread detectors (page_detector.ts), so the backend, the weights (one copy per model URL, model_registry.ts,
 * shared by every detector of the page), the proposal workers (nested), the network, post-processing and lost-GPU
 * recovery all run here and the page's main thread only decodes images and draws. Speaks worker_protocol.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { loseDeviceForTesting, onBackendRestart } from '../runtime/device_loss';
import type { BackendChoice } from '../runtime/select_backend';
import { ensureBackend, type BackendOptions } from './backend';
import { DetectorError, errorMessage } from './errors';
import { loadedModels } from './model_registry';
import { createPageDetector, pageDetectorFromFiles, type PageDetector } from './page_detector';
import type { BackendPreference, DetectProgress } from './types';
import type { FromDetectionWorker, ToDetectionWorker, WorkerAnswers, WorkerTestOp } from './worker_protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const detectors = new Map<number, PageDetector>();
/** The running calls' abort controllers, by call id. */
const running = new Map<number, AbortController>();
let loseDeviceAtNetwork = false;

function post(message: FromDetectionWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

onBackendRestart((restart) => post({ type: 'backend-restart', restart }));

scope.onmessage = (event: MessageEvent<ToDetectionWorker>) => {
  const message = event.data;
  if (message.type === 'cancel') {
    running.get(message.id)?.abort(new DOMException('the detection was cancelled', 'AbortError'));
    return;
  }
  const controller = new AbortController();
  running.set(message.id, controller);
  const progress = (p: DetectProgress) => post({ type: 'progress', id: message.id, progress: p });
  answer(message, controller.signal, progress)
    .then(({ value, transfer }) => post({ type: 'done', id: message.id, value }, transfer))
    .catch((error: unknown) => post({ type: 'failed', id: message.id, error: wireError(error) }))
    .finally(() => running.delete(message.id));
};

type Answer = { value: WorkerAnswers[keyof WorkerAnswers]; transfer: Transferable[] };

async function answer(message: Exclude<ToDetectionWorker, { type: 'cancel' }>, signal: AbortSignal, progress: (p: DetectProgress) => void): Promise<Answer> {
  switch (message.type) {
    case 'backend':
      return plain((await startBackend(message.preference, message.options)).choice);
    case 'create': {
      const choice = await startBackend(message.options.backend);
      const options = { ...message.options, backend: choice.preference, onProgress: progress };
      const detector = message.files
        ? await pageDetectorFromFiles(message.files, options, message.source ?? 'model files')
        : await createPageDetector(options);
      detectors.set(message.id, detector);
      const { classNames, source, backend, hasRpn } = detector;
      return plain({ classNames, source, backend, hasRpn, backendChoice: choice.choice });
    }
    case 'detect': {
      try {
        const onProgress = (p: DetectProgress) => {
          if (loseDeviceAtNetwork && p.stage === 'network' && p.fraction === null && p.notice === undefined) {
            loseDeviceAtNetwork = !loseDeviceForTesting();
          }
          progress(p);
        };
        return plain(await detectorOf(message.detector).detectDecoded(message.image, { ...message.options, signal, onProgress }));
      } finally {
        message.image.bitmap.close();
      }
    }
    case 'files': {
      const files = await detectorOf(message.detector).files();
      return { value: files, transfer: [files.weights] };
    }
    case 'artifacts': {
      const artifacts = await detectorOf(message.detector).artifacts();
      return { value: artifacts, transfer: artifacts.weightData instanceof ArrayBuffer ? [artifacts.weightData] : [] };
    }
    case 'use-files': {
      const detector = detectorOf(message.detector);
      await detector.useFiles(message.files, message.source);
      return plain({ classNames: detector.classNames, source: detector.source, hasRpn: detector.hasRpn });
    }
    case 'dispose':
      detectors.get(message.detector)?.dispose();
      detectors.delete(message.detector);
      return plain(null);
    case 'test':
      return plain(await testOp(message.op));
  }
}

function plain(value: WorkerAnswers[keyof WorkerAnswers]): Answer {
  return { value, transfer: [] };
}

function detectorOf(id: number): PageDetector {
  const detector = detectors.get(id);
  if (detector === undefined) throw new DetectorError('disposed', 'this detector was disposed');
  return detector;
}

/**
 * The worker's backend, chosen by the first detector's preference (later ones share it, as on a page). Returns the
 * preference its detectors then pass on (so they keep what was started here) and the choice.
 */
async function startBackend(preference: BackendPreference | undefined, options?: BackendOptions): Promise<{ preference: BackendPreference | undefined; choice: BackendChoice }> {
  // 'keep' means "the host's tfjs": the host's tfjs is in the page, not here, so the worker chooses as 'auto' would
  const wanted = preference === 'keep' ? 'auto' : preference;
  return { preference: wanted, choice: await ensureBackend(wanted, options) };
}

async function testOp(op: WorkerTestOp): Promise<WorkerAnswers['test']> {
  switch (op) {
    case 'memory': {
      if (!tf.getBackend()) return { numTensors: 0, numBytes: 0, models: loadedModels(), backend: '' }; // no backend started yet
      const { numTensors, numBytes } = tf.memory();
      return { numTensors, numBytes, models: loadedModels(), backend: tf.getBackend() };
    }
    case 'lose-device':
      return loseDeviceForTesting();
    case 'lose-device-at-network':
      loseDeviceAtNetwork = true;
      return true;
    case 'no-adapter':
      GPU.prototype.requestAdapter = () => Promise.resolve(null);
      return true;
  }
}

function wireError(error: unknown): { name: string; message: string; code?: DetectorError['code'] } {
  if (error instanceof DetectorError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof DOMException && error.name === 'AbortError') return { name: 'AbortError', message: error.message };
  return { name: error instanceof Error ? error.name : 'Error', message: errorMessage(error) };
}
