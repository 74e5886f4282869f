/**
 * Which annotation format a dropped folder (or a directory) holds, decided from paths and a peek at the text.
 * Precedence when several are present: VOC devkit > VOC XML > COCO JSON > YOLO > CSV; files of the formats not
 * chosen are reported as ignored (labels CSVs are kept as splits instead, since that is what a train/test CSV is).
 */
import { baseName, dirName, extension, normalizePath } from './paths';
import { DatasetError } from './report';

/** One entry of a dropped folder or a directory listing. */
export interface DatasetFile {
  /** '/'-separated path relative to the dataset root. */
  readonly path: string;
  /** Contents, for annotation, list and class files (images and unknown files may leave it out). */
  readonly text?: string;
  readonly isImage: boolean;
  /** The image's own size when the caller knows it (read from its header or decoded); needed for YOLO. */
  readonly width?: number;
  readonly height?: number;
}

export type LayoutKind = 'voc-devkit' | 'voc' | 'coco' | 'yolo' | 'csv';

export interface ClassifiedFiles {
  readonly images: DatasetFile[];
  readonly vocXml: DatasetFile[];
  readonly cocoJson: DatasetFile[];
  readonly yoloLabels: DatasetFile[];
  readonly classLists: DatasetFile[];
  readonly labelCsvs: DatasetFile[];
  readonly splitLists: DatasetFile[];
  /** Files with an annotation-like extension whose content is not one of the formats. */
  readonly unrecognised: DatasetFile[];
}

export function classifyFiles(files: readonly DatasetFile[]): ClassifiedFiles {
  const c: ClassifiedFiles = { images: [], vocXml: [], cocoJson: [], yoloLabels: [], classLists: [], labelCsvs: [],
    splitLists: [], unrecognised: [] };
  for (const f0 of files) {
    const f = { ...f0, path: normalizePath(f0.path) };
    const text = f.text ?? '';
    const ext = extension(f.path);
    const name = baseName(f.path).toLowerCase();
    if (f.isImage) c.images.push(f);
    else if (f.text === undefined) continue;
    else if (ext === 'xml') (/<annotation[\s>/]/i.test(text) ? c.vocXml : c.unrecognised).push(f);
    else if (ext === 'json') (/"(annotations|images)"\s*:/.test(text) ? c.cocoJson : c.unrecognised).push(f);
    else if (ext === 'csv') c.labelCsvs.push(f);
    else if (name === 'classes.txt' || name === 'obj.names' || ext === 'names') c.classLists.push(f);
    else if (ext === 'yaml' || ext === 'yml') (/^names\s*:/m.test(text) ? c.classLists : c.unrecognised).push(f);
    else if (ext === 'txt') (isYoloLabelText(text, f.path) ? c.yoloLabels : c.splitLists).push(f);
  }
  return c;
}

/** YOLO labels: every non-blank line has 5+ numeric fields; an empty .txt counts when it sits in labels/. */
function isYoloLabelText(text: string, path: string): boolean {
  if (/(^|\/)ImageSets\//.test(path)) return false;
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return /(^|\/)labels(\/|$)/.test(dirName(path));
  const labelLike = lines.filter((l) => {
    const t = l.trim().split(/\s+/);
    return t.length >= 5 && t.every((v) => /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v));
  }).length;
  return labelLike * 2 > lines.length; // mostly label lines: the odd broken line is reported, not misfiled
}

export function chooseLayout(c: ClassifiedFiles): LayoutKind {
  if (c.vocXml.length > 0) {
    const devkit = c.vocXml.some((f) => /(^|\/)Annotations$/.test(dirName(f.path)) &&
      c.images.some((i) => dirName(i.path) === dirName(f.path).replace(/Annotations$/, 'JPEGImages')));
    return devkit ? 'voc-devkit' : 'voc';
  }
  if (c.cocoJson.length > 0) return 'coco';
  if (c.yoloLabels.length > 0) return 'yolo';
  if (c.labelCsvs.length > 0) return 'csv';
  throw new DatasetError(
    'no annotations found. Expected one of: Pascal VOC XML (Annotations/*.xml or .xml beside the images), ' +
      'a COCO .json with images/annotations/categories, YOLO labels/*.txt with classes.txt, or a CSV ' +
      'filename,width,height,class,xmin,ymin,xmax,ymax',
  );
}
