/**
 * Ties parsed records to image files: renames each record to its image's canonical name, rejects records whose
 * image is missing or already taken (two annotation files for one image), and adds the images nobody annotated
 * as unlabelled records. Images outside every folder that holds annotated images (VOC2012's segmentation PNGs,
 * a preview.png at the root) are not turned into records, but each such folder is reported.
 */
import { issueAt } from './box_checks';
import type { ImageIndex } from './image_index';
import type { DatasetFile } from './layout';
import type { SourceRecord } from './parse_sources';
import { baseName, dirName } from './paths';
import type { DetectionRecord } from './record';
import type { DatasetIssue } from './report';

export interface MatchedRecords {
  readonly records: DetectionRecord[];
  readonly imagePaths: Map<string, string>;
  readonly issues: DatasetIssue[];
  /** `${annotationFile}\0${imageFile as parsed}` -> imageFile after matching, to re-label the parsers' issues. */
  readonly renamed: Map<string, string>;
  /** imageFile -> the annotation file it came from (for issues raised later about that image). */
  readonly annotationFiles: Map<string, string>;
}

export function matchSources(sources: readonly SourceRecord[], index: ImageIndex): MatchedRecords {
  const issues: DatasetIssue[] = [];
  const imagePaths = new Map<string, string>();
  const renamed = new Map<string, string>();
  const annotationFiles = new Map<string, string>();
  const records: DetectionRecord[] = [];
  const takenBy = new Map<string, string>();
  if (index.size === 0) {
    const msg = 'no image files were given, so the images the annotations name could not be checked';
    issues.push(issueAt({ file: '.' }, 'warning', 'no-images', msg));
    for (const s of sources) annotationFiles.set(s.record.imageFile, s.file);
    return { records: sources.map((s) => s.record), imagePaths, issues, renamed, annotationFiles };
  }
  for (const s of sources) {
    const { record, file } = s;
    const objects = record.objects.length;
    const match = s.image ? { image: s.image, how: 'name' as const } : index.find(record.imageFile, file, s.stemHint);
    if (match === undefined) {
      const msg = `image '${record.imageFile}' not found among the image files`;
      issues.push(issueAt({ file, imageFile: record.imageFile }, 'rejected', 'missing-image', msg, { objects }));
      continue;
    }
    const name = index.nameOf(match.image);
    const owner = takenBy.get(name);
    if (owner !== undefined) {
      const msg = `image '${name}' is already annotated by ${owner}; this second annotation is not used`;
      issues.push(issueAt({ file, imageFile: name }, 'rejected', 'duplicate', msg, { objects }));
      continue;
    }
    if (match.how === 'stem') {
      const msg = `the annotation names '${record.imageFile}', which does not exist; using '${match.image.path}'`;
      issues.push(issueAt({ file, imageFile: name }, 'repaired', 'image-matched-by-stem', msg));
    }
    takenBy.set(name, file);
    renamed.set(`${file}\u0000${record.imageFile}`, name);
    annotationFiles.set(name, file);
    imagePaths.set(name, match.image.path);
    records.push(name === record.imageFile ? record : { ...record, imageFile: name });
  }
  addUnlabelled(index, imagePaths, records, issues);
  return { records, imagePaths, issues, renamed, annotationFiles };
}

function addUnlabelled(
  index: ImageIndex,
  imagePaths: Map<string, string>,
  records: DetectionRecord[],
  issues: DatasetIssue[],
): void {
  const used = new Set(imagePaths.values());
  const imageFolders = new Set([...used].map(dirName));
  const outside = new Map<string, DatasetFile[]>();
  for (const image of index.images) {
    if (used.has(image.path)) continue;
    const dir = dirName(image.path);
    if (!imageFolders.has(dir)) {
      if (!outside.has(dir)) outside.set(dir, []);
      outside.get(dir)!.push(image);
      continue;
    }
    const name = index.nameOf(image);
    imagePaths.set(name, image.path);
    records.push({ imageFile: name, width: image.width ?? 0, height: image.height ?? 0, objects: [], unlabelled: true });
    const msg = 'no annotation file for this image: kept as unlabelled (its objects are unknown, not absent)';
    issues.push(issueAt({ file: image.path, imageFile: name }, 'warning', 'unlabelled-image', msg));
  }
  for (const [dir, images] of outside) {
    const some = images.slice(0, 3).map((i) => baseName(i.path)).join(', ');
    const msg = `${images.length} image(s) here (${some}${images.length > 3 ? ', ...' : ''}) are in no folder with ` +
      'annotated images and have no annotations; not used';
    issues.push(issueAt({ file: dir === '' ? '.' : `${dir}/` }, 'warning', 'ignored-file', msg));
  }
}
