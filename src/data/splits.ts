/**
 * Splits: a list file (one image id per line: VOC ImageSets/Main/test.txt ids, or darknet train.txt image paths)
 * or a labels CSV (its distinct filenames). Ids are matched to records by file name or stem, since list files
 * carry ids without extension (VOC) or paths from another machine (darknet).
 */
import { issueAt } from './box_checks';
import { baseName, stem } from './paths';
import type { DetectionRecord } from './record';
import type { DatasetIssue } from './report';

export interface SplitEntry {
  readonly id: string;
  /** 1-based line in a list file (absent for a labels CSV, where ids come from records). */
  readonly line?: number;
}

/** One id per line; blank lines and '#' comments skipped; VOC per-class lists ("000005 -1") give their id. */
export function readSplitList(text: string): SplitEntry[] {
  const out: SplitEntry[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const perClass = /^(\S+)\s+-?[01]$/.exec(line);
    out.push({ id: perClass ? perClass[1] : line, line: i + 1 });
  });
  return out;
}

/** Image files of the records a split names, in the split's order; unknown and repeated ids are reported. */
export function resolveSplit(
  entries: readonly SplitEntry[],
  records: readonly DetectionRecord[],
  file: string,
): { imageFiles: string[]; issues: DatasetIssue[] } {
  const byName = new Map<string, string>();
  const byStem = new Map<string, string>();
  for (const r of records) {
    byName.set(r.imageFile.toLowerCase(), r.imageFile);
    byName.set(baseName(r.imageFile).toLowerCase(), r.imageFile);
    byStem.set(stem(r.imageFile).toLowerCase(), r.imageFile);
  }
  const issues: DatasetIssue[] = [];
  const seen = new Set<string>();
  const imageFiles: string[] = [];
  for (const { id, line } of entries) {
    const key = id.toLowerCase();
    const base = baseName(key);
    const found = byName.get(key) ?? byName.get(base) ?? byStem.get(base) ?? byStem.get(stem(base));
    if (found === undefined) {
      const msg = `split lists '${id}' but the dataset has no such image (missing, or its annotation was rejected)`;
      issues.push(issueAt({ file, line }, 'warning', 'split-unknown-id', msg));
    } else if (seen.has(found)) {
      issues.push(issueAt({ file, line, imageFile: found }, 'warning', 'duplicate', `'${id}' listed twice`));
    } else {
      seen.add(found);
      imageFiles.push(found);
    }
  }
  return { imageFiles, issues };
}
