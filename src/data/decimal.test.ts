import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addToDecimalText, formatWithOffset, parseStrictNumber } from './decimal';

describe('parseStrictNumber', () => {
  it.each([
    ['12', 12], [' 12.5 ', 12.5], ['-3', -3], ['+4', 4], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['1E-2', 0.01],
  ])('reads %j', (text, value) => expect(parseStrictNumber(text)).toBe(value));

  it.each(['', ' ', 'abc', '0x10', 'Infinity', 'NaN', '1,5', '12px', '.', '-', '1e', '1e999'])('rejects %j', (text) => {
    expect(parseStrictNumber(text)).toBeUndefined();
  });
});

describe('decimal ±1', () => {
  it('shifts on the decimal text, without binary rounding', () => {
    expect(addToDecimalText('1.1', -1)).toBe(0.1);
    expect(1.1 - 1).not.toBe(0.1); // the float way drifts
    expect(addToDecimalText('1', -1)).toBe(0);
    expect(addToDecimalText('0.5', -1)).toBe(-0.5);
    expect(addToDecimalText('1.5e2', -1)).toBe(149);
    expect(addToDecimalText('x', -1)).toBeUndefined();
    expect(formatWithOffset(0.1, 1)).toBe('1.1');
    expect(formatWithOffset(-0.5, 1)).toBe('0.5');
    expect(formatWithOffset(-1, 1)).toBe('0');
    expect(formatWithOffset(1e-7, 1)).toBe('1.0000001');
    expect(formatWithOffset(1e21, 1)).toBe('1000000000000000000001');
  });

  it('round-trips every finite double: (v + 1) - 1 = v on the text', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const back = addToDecimalText(formatWithOffset(v, 1), -1);
        expect(back === 0 ? 0 : back).toBe(v === 0 ? 0 : v); // -0 reads back as 0
      }),
      { numRuns: 2000 },
    );
  });
});
