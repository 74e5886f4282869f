/**
 * Imported images that are already in the set (same bytes): found by content hash (data/duplicates.ts), the user
 * chooses skip, replace or keep both, and the set's image list is built from that choice.
 */
import { findDuplicates, planDuplicates, sha256Hex, type DuplicateChoice } from '../../data/duplicates';
import { uniqueName, type AnnotatedImage } from './annotation_set';

/** A blob's hash, computed once per blob. */
const hashes = new WeakMap<Blob, Promise<string>>();

function hashOf(blob: Blob): Promise<string> {
  let hash = hashes.get(blob);
  if (hash === undefined) {
    hash = blob.arrayBuffer().then(sha256Hex);
    hashes.set(blob, hash);
  }
  return hash;
}

export interface PlacedImport {
  /** The set's images after the import: replaced ones in place, new ones at the end. */
  readonly images: AnnotatedImage[];
  /** The imported images that are in the set now (added or in a replaced one's place). */
  readonly placed: AnnotatedImage[];
  readonly skipped: number;
  readonly replaced: number;
  /** The user's choice, or null when there was nothing to choose. */
  readonly choice: DuplicateChoice | null;
}

/**
 * Places `incoming` in the set. `blobs` holds every image's file (the incoming ones too); the files of images that
 * end up out of the set are removed from it.
 */
export async function placeImported(
  existing: readonly AnnotatedImage[],
  incoming: readonly AnnotatedImage[],
  blobs: Map<string, Blob>,
  ask: (names: readonly string[]) => Promise<DuplicateChoice>,
): Promise<PlacedImport> {
  const hashed = (images: readonly AnnotatedImage[]) => Promise.all(images.filter((i) => blobs.has(i.id))
    .map(async (i) => ({ key: i.id, hash: await hashOf(blobs.get(i.id)!) })));
  const matches = findDuplicates(await hashed(existing), await hashed(incoming));
  const choice = matches.size > 0 ? await ask(incoming.filter((i) => matches.has(i.id)).map((i) => i.name)) : null;
  const plan = planDuplicates(incoming.map((i) => i.id), matches, choice ?? 'keep');
  const byId = new Map(incoming.map((i) => [i.id, i]));
  const images = existing.map((old) => {
    const newId = plan.replace.get(old.id);
    if (newId === undefined) return old;
    blobs.delete(old.id);
    return byId.get(newId)!;
  });
  const placed: AnnotatedImage[] = [...plan.replace.values()].map((id) => byId.get(id)!);
  for (const id of plan.add) {
    const image = byId.get(id)!;
    // names stay unique in the set (export writes one file per name): a second copy becomes "a (2).jpg"
    const named = { ...image, name: uniqueName({ classes: [], images }, image.name) };
    images.push(named);
    placed.push(named);
  }
  for (const id of plan.skipped) blobs.delete(id);
  return { images, placed, skipped: plan.skipped.length, replaced: plan.replace.size, choice };
}
