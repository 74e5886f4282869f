import { describe, expect, it } from 'vitest';
import { CLASS_PALETTE, classColour, contrastRatio, textColourOn } from './colours';

describe('colours', () => {
  it('class ids cycle through the palette, 1-based', () => {
    expect(classColour(1)).toBe(CLASS_PALETTE[0]);
    expect(classColour(CLASS_PALETTE.length + 1)).toBe(CLASS_PALETTE[0]);
  });

  it('every class label is readable: text contrast at least 4.5:1 (WCAG AA)', () => {
    for (const colour of CLASS_PALETTE) expect(contrastRatio(colour, textColourOn(colour))).toBeGreaterThanOrEqual(4.5);
  });

  it('contrast of black on white is 21', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21);
  });
});
