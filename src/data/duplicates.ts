/**
 * Duplicate images on import: an incoming image whose bytes equal an image already in the set (same content hash),
 * and what each of the user's choices does with them. Pure: the caller hashes the files and applies the plan.
 */

export type DuplicateChoice = 'skip' | 'replace' | 'keep';

export interface Hashed<K> {
  readonly key: K;
  /** A hash of the file's bytes (sha256Hex). */
  readonly hash: string;
}

/** Incoming key -> the existing key with the same bytes (the first one, when the set already holds copies). */
export function findDuplicates<I, E>(existing: readonly Hashed<E>[], incoming: readonly Hashed<I>[]): Map<I, E> {
  const byHash = new Map<string, E>();
  for (const e of existing) if (!byHash.has(e.hash)) byHash.set(e.hash, e.key);
  const matches = new Map<I, E>();
  for (const i of incoming) {
    const e = byHash.get(i.hash);
    if (e !== undefined) matches.set(i.key, e);
  }
  return matches;
}

export interface DuplicatePlan<I, E> {
  /** Incoming items added as new images, in their order. */
  readonly add: I[];
  /** Existing item -> the incoming item that takes its place (boxes, split and name from the import). */
  readonly replace: Map<E, I>;
  /** Incoming items left out (skip, or a second copy of an image another incoming item already replaces). */
  readonly skipped: I[];
}

export function planDuplicates<I, E>(incoming: readonly I[], matches: ReadonlyMap<I, E>, choice: DuplicateChoice): DuplicatePlan<I, E> {
  const plan: DuplicatePlan<I, E> = { add: [], replace: new Map(), skipped: [] };
  for (const item of incoming) {
    const existing = matches.get(item);
    if (existing === undefined || choice === 'keep') plan.add.push(item);
    else if (choice === 'replace' && !plan.replace.has(existing)) plan.replace.set(existing, item);
    else plan.skipped.push(item);
  }
  return plan;
}

/** Hex SHA-256 of the bytes (Web Crypto: the browser's and Node's). */
export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
