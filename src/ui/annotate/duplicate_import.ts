/**
 * Imported images that are already in the set (same bytes): found by content hash (data/duplicates.ts), the user
 * chooses skip, replace or keep both, the set's image list is built from that choice, and every duplicate's row in
 * the import report says what happened to it.
 */
import { findDuplicates, planDuplicates, sha256Hex, type DuplicateChoice } from '../../data/duplicates';
import type { DatasetIssue } from '../../data/report';
import type { FileReportRow } from '../../data/report_files';
import { unusedName, type AnnotatedImage } from './annotation_set';

/** Asks the user; `replace` false when there is nothing to replace with (plain images, no boxes). */
export type AskDuplicates = (names: readonly string[], options: { replace: boolean }) => Promise<DuplicateChoice>;

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

async function existingHashes(existing: readonly AnnotatedImage[], blobs: ReadonlyMap<string, Blob>) {
  return Promise.all(existing.filter((i) => blobs.has(i.id)).map(async (i) => ({ key: i.id, hash: await hashOf(blobs.get(i.id)!) })));
}

/** One duplicate and what became of it. */
export interface DuplicateOutcome {
  readonly id: string;
  /** The imported image's name, and the name of the image in the set with the same bytes. */
  readonly name: string;
  readonly existingName: string;
  readonly outcome: 'skipped' | 'replaced' | 'copy';
  /** For a copy: the name it was given. */
  readonly newName?: string;
}

export interface PlacedImport {
  /** The set's images after the import: replaced ones in place, new ones at the end. */
  readonly images: AnnotatedImage[];
  /** The imported images that are in the set now (added or in a replaced one's place). */
  readonly placed: AnnotatedImage[];
  readonly duplicates: DuplicateOutcome[];
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
  ask: AskDuplicates,
): Promise<PlacedImport> {
  const incomingHashes = await Promise.all(incoming.filter((i) => blobs.has(i.id)).map(async (i) => ({ key: i.id, hash: await hashOf(blobs.get(i.id)!) })));
  const matches = findDuplicates(await existingHashes(existing, blobs), incomingHashes);
  const choice = matches.size > 0 ? await ask(incoming.filter((i) => matches.has(i.id)).map((i) => i.name), { replace: true }) : null;
  const plan = planDuplicates(incoming.map((i) => i.id), matches, choice ?? 'keep');
  const byId = new Map(incoming.map((i) => [i.id, i]));
  const nameOf = new Map(existing.map((i) => [i.id, i.name]));
  const duplicates: DuplicateOutcome[] = [];
  const note = (id: string, outcome: DuplicateOutcome['outcome'], newName?: string) =>
    duplicates.push({ id, name: byId.get(id)!.name, existingName: nameOf.get(matches.get(id)!)!, outcome, ...(newName ? { newName } : {}) });
  const images = existing.map((old) => {
    const newId = plan.replace.get(old.id);
    if (newId === undefined) return old;
    blobs.delete(old.id);
    note(newId, 'replaced');
    return byId.get(newId)!;
  });
  const placed: AnnotatedImage[] = [...plan.replace.values()].map((id) => byId.get(id)!);
  const taken = new Set(images.map((i) => i.name));
  for (const id of plan.add) {
    const image = byId.get(id)!;
    // names stay unique in the set (export writes one file per name): a second copy becomes "a (2).jpg"
    const named = { ...image, name: unusedName(taken, image.name) };
    taken.add(named.name);
    images.push(named);
    placed.push(named);
    if (matches.has(id)) note(id, 'copy', named.name);
  }
  for (const id of plan.skipped) {
    blobs.delete(id);
    note(id, 'skipped');
  }
  return { images, placed, duplicates, choice };
}

/** Plain images (no boxes) that are already in the set: the user chooses skip or keep both. */
export async function withoutDuplicateFiles(
  existing: readonly AnnotatedImage[],
  blobs: ReadonlyMap<string, Blob>,
  files: readonly File[],
  ask: AskDuplicates,
): Promise<{ files: File[]; duplicates: DuplicateOutcome[] }> {
  const matches = findDuplicates(await existingHashes(existing, blobs),
    await Promise.all(files.map(async (file, k) => ({ key: k, hash: await hashOf(file) }))));
  if (matches.size === 0) return { files: [...files], duplicates: [] };
  const choice = await ask([...matches.keys()].map((k) => files[k].name), { replace: false });
  const nameOf = new Map(existing.map((i) => [i.id, i.name]));
  const duplicates = [...matches].map(([k, id]): DuplicateOutcome => ({ id: String(k), name: files[k].name,
    existingName: nameOf.get(id)!, outcome: choice === 'skip' ? 'skipped' : 'copy' }));
  return { files: choice === 'skip' ? files.filter((_, k) => !matches.has(k)) : [...files], duplicates };
}

/** The report's rows with each duplicate's row saying what became of it (a row is added for one it lacks). */
export function markDuplicateRows(rows: readonly FileReportRow[], duplicates: readonly DuplicateOutcome[],
  pathOf: (d: DuplicateOutcome) => string): FileReportRow[] {
  const byPath = new Map(duplicates.map((d) => [pathOf(d), d]));
  const issue = (d: DuplicateOutcome, file: string): DatasetIssue => ({ severity: 'warning', kind: 'duplicate-image', file, imageFile: d.name,
    message: `the same bytes as '${d.existingName}', already in the set: ${d.outcome === 'skipped' ? 'not added (you chose Skip)'
      : d.outcome === 'replaced' ? `it replaced '${d.existingName}' (you chose Replace)` : `added again${d.newName && d.newName !== d.name ? ` as '${d.newName}'` : ''} (you chose Keep both)`}` });
  const out = rows.map((row) => {
    const d = byPath.get(row.file);
    if (d === undefined) return row;
    byPath.delete(row.file);
    return { ...row, outcome: row.outcome === 'rejected' ? row.outcome : 'warning' as const,
      summary: d.outcome === 'skipped' ? 'not imported: already in the set' : row.summary, issues: [...row.issues, issue(d, row.file)] };
  });
  for (const [file, d] of byPath) {
    out.push({ file, outcome: 'warning', summary: d.outcome === 'skipped' ? 'not imported: already in the set' : 'image', issues: [issue(d, file)] });
  }
  return out;
}
