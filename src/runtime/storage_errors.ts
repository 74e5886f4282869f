/**
 * Browser storage failures (IndexedDB, localStorage) in words a user can act on. The common one is a full quota:
 * the browser refuses the write with a DOMException named QuotaExceededError (or aborts the IndexedDB transaction
 * with it). Callers report these and keep what they hold in memory; nothing here swallows an error.
 */

export function isQuotaError(error: unknown): boolean {
  if (!(error instanceof Error || error instanceof DOMException)) return false;
  return error.name === 'QuotaExceededError' || /quota/i.test(error.message);
}

/** A sentence fragment: why the write failed. */
export function storageErrorMessage(error: unknown): string {
  if (isQuotaError(error)) {
    return 'the browser’s storage for this site is full (QuotaExceededError); delete saved models or clear site data to make room';
  }
  return error instanceof Error || error instanceof DOMException ? error.message || error.name : String(error);
}

/**
 * The error for a write that reported success but left nothing behind. tfjs's IndexedDB saver resolves when its
 * put request succeeds, before the transaction commits, so a commit that the quota aborts looks like a success:
 * the caller checks that the model is listed, and this finds out why it is not by storing as many bytes in a
 * scratch database (deleted again). A QuotaExceededError there is the answer; anything else gives a plain error.
 * (navigator.storage.estimate() cannot decide it: it does not see a lowered quota, e.g. DevTools' override.)
 */
export async function missingAfterWrite(what: string, bytes: number): Promise<Error> {
  const probe = await probeWrite(bytes).then(() => null, (error: unknown) => error);
  if (isQuotaError(probe)) return new DOMException(`${what} was not stored (${bytes} bytes)`, 'QuotaExceededError');
  return new Error(`${what} was not saved`);
}

const PROBE_DB = 'frcnn-storage-probe';

function probeWrite(bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(PROBE_DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('probe');
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const db = request.result;
      const tx = db.transaction('probe', 'readwrite');
      tx.objectStore('probe').put(new Uint8Array(bytes), 'probe');
      const finish = (error: unknown) => {
        db.close();
        indexedDB.deleteDatabase(PROBE_DB);
        if (error === null) resolve();
        else reject(error);
      };
      tx.oncomplete = () => finish(null);
      tx.onabort = () => finish(tx.error ?? new Error('IndexedDB transaction aborted'));
    };
  });
}
