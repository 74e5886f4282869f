/**
 * Dataset -> a YOLO (darknet / ultralytics) set as parse_yolo.ts and layout.ts read it: classes.txt (line k =
 * class id k, classNames first, then any class only the objects name) and labels/<image stem>.txt with one
 * `id cx cy w h` line per box, relative to the image size. The caller puts the images in images/.
 *
 * Precision: corners are normalised and rounded to 6 decimals (x1/W, x2/W, ...), then written as centre and size,
 * so cx and cy take at most 7 decimals and w, h at most 6. A box moves by at most 0.5e-6 of the image size per
 * corner (0.002 px at 4000 px), and from the second export on nothing moves: export ∘ import ∘ export = export.
 * Limits: 'difficult' and 'truncated' have no YOLO field and are lost; a labelled image without boxes gets an
 * empty label file (background), an unlabelled one gets none (so it reads back as unlabelled).
 */
import type { Box } from '../geometry/box';
import { stem } from './paths';
import type { Dataset, DetectionRecord } from './record';
import { DatasetError } from './report';

const DECIMALS = 6;

/** classes.txt and one labels/<stem>.txt per labelled record. */
export function exportYoloFiles(dataset: Dataset): { path: string; text: string }[] {
  const names = [...dataset.classNames];
  for (const r of dataset.records) for (const o of r.objects) if (!names.includes(o.className)) names.push(o.className);
  const bad = names.find((n) => /[\r\n]/.test(n) || n.trim() !== n || n === '');
  if (bad !== undefined) {
    throw new DatasetError(`class name '${bad}' cannot be written to classes.txt (one trimmed name per line); rename it`);
  }
  const idOf = new Map(names.map((n, i) => [n, i]));
  const files = [{ path: 'classes.txt', text: names.map((n) => `${n}\n`).join('') }];
  const seen = new Map<string, string>();
  for (const r of dataset.records) {
    if (r.unlabelled === true) continue;
    const path = `labels/${stem(r.imageFile)}.txt`;
    const other = seen.get(path);
    if (other !== undefined) throw new DatasetError(`'${r.imageFile}' and '${other}' would both be written to ${path}; rename one`);
    seen.set(path, r.imageFile);
    files.push({ path, text: r.objects.map((o) => `${idOf.get(o.className)} ${yoloBox(o.box, r)}\n`).join('') });
  }
  return files;
}

/** 'cx cy w h' of a pixel box, relative to the image. */
export function yoloBox(box: Box, { imageFile, width, height }: DetectionRecord): string {
  if (!(width > 0 && height > 0)) throw new DatasetError(`'${imageFile}' has no size, so its boxes cannot be made relative`);
  const scale = 10 ** DECIMALS;
  // whole millionths: the centre is then an exact half of an integer count, the size an integer count
  const units = (v: number, extent: number) => Math.min(Math.max(Math.round((v / extent) * scale), 0), scale);
  const [x1, x2] = atLeastOne(units(box[0], width), units(box[2], width), scale);
  const [y1, y2] = atLeastOne(units(box[1], height), units(box[3], height), scale);
  return `${centre(x1, x2)} ${centre(y1, y2)} ${size(x1, x2)} ${size(y1, y2)}`;
}

/** A span that rounded to nothing keeps one unit, inside [0, scale]: an empty box would be rejected on import. */
function atLeastOne(lo: number, hi: number, scale: number): [number, number] {
  if (hi > lo) return [lo, hi];
  return lo < scale ? [lo, lo + 1] : [scale - 1, scale];
}

const size = (lo: number, hi: number) => decimal(2 * (hi - lo));
const centre = (lo: number, hi: number) => decimal(lo + hi);

/** k / (2·10^6) in plain decimal, without trailing zeros. */
function decimal(halfUnits: number): string {
  const digits = String(halfUnits * 5).padStart(DECIMALS + 2, '0');
  const text = `${digits.slice(0, -(DECIMALS + 1))}.${digits.slice(-(DECIMALS + 1))}`;
  return text.replace(/\.?0+$/, '');
}
