/**
 * Strict number reading, and exact decimal "+1 / -1" for VOC's 1-based corners.
 *
 * Why decimal: VOC stores xmin as 1-based, so reading is xmin - 1 and writing is x1 + 1. In binary floating point
 * (0.1 + 1) - 1 != 0.1, so a box with fractional corners would drift on every export/import. Doing the ±1 on the
 * decimal text (then converting once) is exact, which makes parse ∘ export the identity for every finite number.
 */

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** A finite number written in plain decimal or exponent notation (no hex, no "Infinity", no empty string). */
export function parseStrictNumber(text: string): number | undefined {
  const t = text.trim();
  const m = DECIMAL.exec(t);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/** The decimal text `text` plus `delta` (an integer), as a finite number; undefined when `text` is not a number. */
export function addToDecimalText(text: string, delta: number): number | undefined {
  const sum = decimalAdd(text.trim(), delta);
  if (sum === undefined) return undefined;
  const v = Number(sum);
  return Number.isFinite(v) ? v : undefined;
}

/** Decimal text of `value + delta`, exact with respect to the shortest decimal that reads back as `value`. */
export function formatWithOffset(value: number, delta: number): string {
  return decimalAdd(String(value), delta) ?? String(value + delta);
}

function decimalAdd(text: string, delta: number): string | undefined {
  const m = DECIMAL.exec(text);
  if (m === null) return undefined;
  const [, sign, intPart, fracPart = '', expPart] = m;
  if (intPart === '' && fracPart === '') return undefined;
  const exp = expPart === undefined ? 0 : Number(expPart);
  // Far outside coordinate range a ±1 is invisible in float64 anyway; keep BigInt sizes bounded.
  if (Math.abs(exp) > 400 || intPart.length + fracPart.length > 2000) {
    const v = Number(text) + delta;
    return Number.isFinite(v) ? String(v) : undefined;
  }
  // value = mantissa / 10^scale
  let scale = fracPart.length - exp;
  let mantissa = BigInt(`${intPart}${fracPart}` || '0');
  if (scale < 0) {
    mantissa *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (sign === '-') mantissa = -mantissa;
  const sum = mantissa + BigInt(delta) * 10n ** BigInt(scale);
  return formatScaled(sum, scale);
}

function formatScaled(mantissa: bigint, scale: number): string {
  const negative = mantissa < 0n;
  const digits = (negative ? -mantissa : mantissa).toString().padStart(scale + 1, '0');
  const intDigits = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, '');
  const body = frac === '' ? intDigits : `${intDigits}.${frac}`;
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}
