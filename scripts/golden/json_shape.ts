/** Small shape checks for parsed golden JSON, shared by the layouts. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{cases: [...]}` where every case is an object holding all of `fields`. */
export function hasCasesWith(json: unknown, fields: readonly string[]): json is { cases: JsonRecord[] } {
  return (
    isRecord(json) &&
    Array.isArray(json.cases) &&
    json.cases.length > 0 &&
    json.cases.every((c) => isRecord(c) && fields.every((f) => f in c))
  );
}

export function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

/** Rows of exactly `width` numbers each. */
export function isMatrix(value: unknown, width: number): value is number[][] {
  return Array.isArray(value) && value.every((row) => isNumberArray(row) && row.length === width);
}
