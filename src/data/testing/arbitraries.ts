/** fast-check generators of valid datasets, shared by the round-trip and accounting property tests. */
import fc from 'fast-check';
import type { Box } from '../../geometry/box';
import type { Dataset, DetectionObject, DetectionRecord } from '../record';

/** Text that survives trimming: non-empty, no edge whitespace. */
export const nameArb = fc
  .string({ minLength: 1, maxLength: 12, unit: 'binary' })
  .map((s) => s.trim())
  .filter((s) => s.length > 0);

/**
 * 'any': integers and arbitrary doubles. 'dyadic': integers and multiples of 1/64, the values for which COCO's
 * x + w reproduces x2 bit-exactly (see export_coco.ts). 'integer': whole pixels, what VOC export writes.
 */
export type CoordinateKind = 'any' | 'dyadic' | 'integer';

export interface RecordOptions {
  readonly truncated: boolean;
  readonly coordinates?: CoordinateKind;
}

/** A coordinate pair lo < hi inside [0, extent]. */
function spanArb(extent: number, kind: CoordinateKind): fc.Arbitrary<[number, number]> {
  const whole = fc.integer({ min: 0, max: extent });
  const fine = kind === 'any' ? fc.double({ min: 0, max: extent, noNaN: true })
    : kind === 'dyadic' ? fc.integer({ min: 0, max: extent * 64 }).map((k) => k / 64) : whole;
  const coord = fc.oneof(whole, fine);
  return fc.tuple(coord, coord).filter(([a, b]) => a !== b).map(([a, b]) => [Math.min(a, b) + 0, Math.max(a, b) + 0]);
}

function objectArb(classNames: readonly string[], width: number, height: number, options: RecordOptions) {
  const kind = options.coordinates ?? 'any';
  return fc
    .record({
      className: fc.constantFrom(...classNames),
      xs: spanArb(width || 5000, kind),
      ys: spanArb(height || 5000, kind),
      difficult: fc.boolean(),
      truncated: options.truncated ? fc.option(fc.boolean(), { nil: undefined }) : fc.constant(undefined),
    })
    .map(({ className, xs, ys, difficult, truncated: t }): DetectionObject => {
      const box: Box = [xs[0], ys[0], xs[1], ys[1]];
      return t === undefined ? { className, box, difficult } : { className, box, difficult, truncated: t };
    });
}

export function recordArb(classNames: readonly string[], options: RecordOptions): fc.Arbitrary<DetectionRecord> {
  return fc
    .record({
      imageFile: nameArb,
      size: fc.oneof(
        { weight: 5, arbitrary: fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 })) },
        { weight: 1, arbitrary: fc.constant([0, 0] as [number, number]) },
      ),
    })
    .chain(({ imageFile, size: [width, height] }) =>
      fc
        .uniqueArray(objectArb(classNames, width, height, options), {
          maxLength: 6,
          selector: (o) => `${o.className}|${o.box.join(',')}`,
        })
        .map((objects) => ({ imageFile, width, height, objects })),
    );
}

export function datasetArb(options: RecordOptions): fc.Arbitrary<Dataset> {
  return fc.uniqueArray(nameArb, { minLength: 1, maxLength: 4 }).chain((classNames) =>
    fc
      .uniqueArray(recordArb(classNames, options), { minLength: 1, maxLength: 5, selector: (r) => r.imageFile })
      .map((records) => ({ classNames, records })),
  );
}
