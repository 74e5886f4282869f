/**
 * Dataset -> COCO detection JSON, the inverse of parse_coco.ts: image ids are 1..N in record order, category ids
 * 1..K in classNames order (so COCO category id = our class id), bbox = [x1, y1, w, h].
 * Difficult objects are written as iscrowd = 1, the COCO way of saying "ignore in evaluation", which is also how
 * the parser reads them back. Unlabelled records become images without annotations, and 'truncated' has no COCO
 * field: those two do not survive the round trip. No segmentation is written (bbox-only detection).
 */
import type { Dataset } from './record';

export interface CocoExport {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: { id: number; image_id: number; category_id: number; bbox: number[]; area: number; iscrowd: 0 | 1 }[];
  categories: { id: number; name: string; supercategory: string }[];
}

export function exportCocoJson(dataset: Dataset, indent?: number): string {
  return JSON.stringify(toCoco(dataset), null, indent);
}

export function toCoco(dataset: Dataset): CocoExport {
  const names = [...dataset.classNames];
  for (const r of dataset.records) for (const o of r.objects) if (!names.includes(o.className)) names.push(o.className);
  const categoryId = new Map(names.map((n, i) => [n, i + 1]));
  const out: CocoExport = {
    images: [],
    annotations: [],
    categories: names.map((name, i) => ({ id: i + 1, name, supercategory: 'none' })),
  };
  dataset.records.forEach((r, i) => {
    out.images.push({ id: i + 1, file_name: r.imageFile, width: r.width, height: r.height });
    for (const o of r.objects) {
      const [x1, y1, x2, y2] = o.box;
      const w = extentFor(x1, x2);
      const h = extentFor(y1, y2);
      out.annotations.push({ id: out.annotations.length + 1, image_id: i + 1, category_id: categoryId.get(o.className)!,
        bbox: [x1, y1, w, h], area: w * h, iscrowd: o.difficult ? 1 : 0 });
    }
  });
  return out;
}

/**
 * w such that the parser's x1 + w gives back exactly x2. x2 - x1 usually does; when rounding gets in the way,
 * the neighbouring doubles of it are tried. For integer and dyadic corners (k/64) that always succeeds. For
 * arbitrary doubles (about 3% of random pairs) x1 + w can straddle x2 with two rounding ties to even, so no w
 * exists: x2 then comes back one ulp off (1e-13 px at 2000 px), a limit of the [x, y, w, h] format itself.
 */
function extentFor(a: number, b: number): number {
  const first = b - a;
  let w = first;
  for (let k = 0; k < 16 && a + w !== b; k++) w = a + w < b ? nextAfter(w, Infinity) : nextAfter(w, -Infinity);
  return a + w === b ? w : first;
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

function nextAfter(x: number, toward: number): number {
  if (Number.isNaN(x) || x === toward) return x;
  if (x === 0) return toward > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = x;
  i64[0] += (toward > x) === (x > 0) ? 1n : -1n;
  return f64[0];
}
