/**
 * Proposals supplied by the user (e.g. precomputed selective search boxes loaded from a file). They are checked
 * before use: an invalid box would otherwise surface much later as a NaN loss or an empty RoI.
 */

export interface ImageExtent {
  readonly width: number;
  readonly height: number;
}

export class ProposalValidationError extends Error {
  /** One line per problem found (the first `MAX_REPORTED`), e.g. "box 3: x2 (10) must be greater than x1 (12)". */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], total: number) {
    const more = total > problems.length ? ` (and ${total - problems.length} more)` : '';
    super(`invalid proposals: ${problems.join('; ')}${more}`);
    this.name = 'ProposalValidationError';
    this.problems = problems;
  }
}

const MAX_REPORTED = 10;

/**
 * Accepts boxes as [[x1, y1, x2, y2], ...] or a flat list / typed array of 4N numbers, in continuous pixel
 * coordinates. Every box must be finite, non-empty (x2 > x1, y2 > y1) and inside [0, width] x [0, height].
 * Returns them packed in a new Float32Array, or throws a ProposalValidationError naming the bad boxes.
 */
export function validateProposals(input: unknown, image: ImageExtent): Float32Array {
  const flat = flatten(input);
  const problems: string[] = [];
  let total = 0;
  const report = (message: string) => {
    total++;
    if (problems.length < MAX_REPORTED) problems.push(message);
  };
  for (let i = 0; i < flat.length / 4; i++) {
    const problem = boxProblem(flat, i, image);
    if (problem) report(`box ${i}: ${problem}`);
  }
  if (total > 0) throw new ProposalValidationError(problems, total);
  return Float32Array.from(flat);
}

function flatten(input: unknown): ArrayLike<number> {
  if (ArrayBuffer.isView(input) && !(input instanceof DataView)) {
    const flat = input as unknown as ArrayLike<number>;
    if (flat.length % 4 !== 0) throw new ProposalValidationError([`a flat list needs 4 numbers per box, got ${flat.length} numbers`], 1);
    return flat;
  }
  if (!Array.isArray(input)) throw new ProposalValidationError(['expected an array of [x1, y1, x2, y2] boxes or a flat array of 4N numbers'], 1);
  if (input.every((v) => typeof v === 'number')) return flatten(Float64Array.from(input as number[]));
  const flat: number[] = [];
  input.forEach((box, i) => {
    if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => typeof v === 'number')) {
      throw new ProposalValidationError([`box ${i}: expected [x1, y1, x2, y2] numbers, got ${JSON.stringify(box)}`], 1);
    }
    flat.push(...(box as number[]));
  });
  return flat;
}

function boxProblem(flat: ArrayLike<number>, i: number, image: ImageExtent): string | undefined {
  const x1 = flat[4 * i];
  const y1 = flat[4 * i + 1];
  const x2 = flat[4 * i + 2];
  const y2 = flat[4 * i + 3];
  if (![x1, y1, x2, y2].every(Number.isFinite)) return `coordinates must be finite numbers, got [${x1}, ${y1}, ${x2}, ${y2}]`;
  if (!(x2 > x1)) return `x2 (${x2}) must be greater than x1 (${x1})`;
  if (!(y2 > y1)) return `y2 (${y2}) must be greater than y1 (${y1})`;
  if (x1 < 0 || y1 < 0 || x2 > image.width || y2 > image.height) {
    return `[${x1}, ${y1}, ${x2}, ${y2}] is outside the ${image.width}x${image.height} image`;
  }
  return undefined;
}
