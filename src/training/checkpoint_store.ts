/**
 * Training checkpoints in IndexedDB, keyed by run id, so that a reload (or a crash) loses at most
 * `checkpointEvery` iterations: the head's weights, the SGD momenta, the image order and the NaN guard's scale.
 */
import { storageErrorMessage } from '../runtime/storage_errors';
import { assertFiniteArrays } from './nan_guard';
import type { NamedArray } from './sgd';
import type { TrainerState } from './trainer';

export interface Checkpoint {
  readonly runId: string;
  readonly iteration: number;
  readonly weights: NamedArray[];
  readonly trainer: TrainerState;
  readonly savedAt: number;
}

const DB_NAME = 'frcnn-training';
const STORE = 'checkpoints';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'runId' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB open failed'));
  });
}

async function run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = body(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      // a full quota aborts the commit without an error event on any request: without this the save never settles
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

export function hasIndexedDb(): boolean {
  return typeof indexedDB !== 'undefined';
}

/** Stores the checkpoint; one holding a NaN/Inf weight or momentum is refused (it would poison a resume). */
export async function saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
  assertFiniteArrays([...checkpoint.weights, ...checkpoint.trainer.history], `the checkpoint at iteration ${checkpoint.iteration}`);
  await run('readwrite', (store) => store.put(checkpoint));
}

/**
 * Saves a checkpoint, or says why not through `warn` and resolves false: a full storage quota must not end a run
 * whose weights are still in memory (it only loses the reload-resume safety net).
 */
export async function saveCheckpointOrWarn(checkpoint: Checkpoint, warn: (message: string) => void): Promise<boolean> {
  try {
    await saveCheckpoint(checkpoint);
    return true;
  } catch (error) {
    warn(`the checkpoint at iteration ${checkpoint.iteration} was not saved: ${storageErrorMessage(error)}. Training goes on; a reload now would start over.`);
    return false;
  }
}

export async function loadCheckpoint(runId: string): Promise<Checkpoint | undefined> {
  return run('readonly', (store) => store.get(runId) as IDBRequest<Checkpoint | undefined>);
}

export async function deleteCheckpoint(runId: string): Promise<void> {
  await run('readwrite', (store) => store.delete(runId));
}
