/**
 * Main-thread client of the training worker: starts a job, forwards control calls, and dispatches the worker's
 * events to typed listeners. `done` resolves with the summary, or rejects on an error message.
 */
import type { DoneSummary, EvaluationSummary, FromWorker, ModelFiles, TrainJob, TrainProgress, ValidationPoint } from './protocol';

export interface TrainingListeners {
  onPhase?(phase: string, done: number, total: number, detail?: string): void;
  onProgress?(progress: TrainProgress): void;
  onProposals?(id: string, boxes: Float32Array): void;
  onCheckpoint?(iteration: number): void;
  onWarning?(message: string): void;
  /** A NaN/Inf loss was rolled back and the learning rate lowered. */
  onNan?(iteration: number, learningRate: number, message: string): void;
  /** The GPU device was lost and training resumed from the checkpoint at `iteration`. */
  onRecovered?(iteration: number, message: string): void;
  onPaused?(iteration: number): void;
  onResumed?(iteration: number): void;
  onEvaluation?(result: EvaluationSummary): void;
  onValidation?(point: ValidationPoint): void;
  onModel?(files: ModelFiles): void;
}

export class TrainingClient {
  private readonly worker: Worker;
  readonly done: Promise<DoneSummary>;

  constructor(job: TrainJob, listeners: TrainingListeners = {}) {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.done = new Promise<DoneSummary>((resolve, reject) => {
      this.worker.onerror = (event) => reject(new Error(`training worker failed: ${event.message}`));
      this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const m = event.data;
        switch (m.type) {
          case 'phase': return listeners.onPhase?.(m.phase, m.done, m.total, m.detail);
          case 'progress': return listeners.onProgress?.(m.progress);
          case 'proposals': return listeners.onProposals?.(m.id, m.boxes);
          case 'checkpoint': return listeners.onCheckpoint?.(m.iteration);
          case 'warning': return listeners.onWarning?.(m.message);
          case 'nan': return listeners.onNan?.(m.iteration, m.learningRate, m.message);
          case 'recovered': return listeners.onRecovered?.(m.iteration, m.message);
          case 'paused': return listeners.onPaused?.(m.iteration);
          case 'resumed': return listeners.onResumed?.(m.iteration);
          case 'evaluation': return listeners.onEvaluation?.(m.result);
          case 'validation': return listeners.onValidation?.(m.point);
          case 'model': return listeners.onModel?.(m.files);
          case 'done': return resolve(m.summary);
          case 'error': return reject(new Error(m.message));
        }
      };
    });
    this.worker.postMessage({ type: 'start', job });
  }

  pause(): void {
    this.worker.postMessage({ type: 'pause' });
  }

  resume(): void {
    this.worker.postMessage({ type: 'resume' });
  }

  cancel(): void {
    this.worker.postMessage({ type: 'cancel' });
  }

  /** Held-out evaluation of the current weights; the result arrives through onEvaluation. */
  evaluate(): void {
    this.worker.postMessage({ type: 'evaluate' });
  }

  /** The current weights as model files; they arrive through onModel. */
  exportModel(): void {
    this.worker.postMessage({ type: 'export' });
  }

  terminate(): void {
    this.worker.terminate();
  }
}
