import { describe, expect, it } from 'vitest';
import { keepBothName, MODEL_NAME, modelNameFromFile } from './model_names';

describe('model names', () => {
  it('keep both: the first free "name (n)"', () => {
    expect(keepBothName('raccoon', new Set(['raccoon']))).toBe('raccoon (2)');
    expect(keepBothName('raccoon', new Set(['raccoon', 'raccoon (2)', 'raccoon (3)']))).toBe('raccoon (4)');
    expect(keepBothName('raccoon (2)', new Set(['raccoon', 'raccoon (2)']))).toBe('raccoon (3)');
    const long = 'x'.repeat(60);
    expect(keepBothName(long, new Set([long]))).toBe(`${'x'.repeat(56)} (2)`);
    expect(MODEL_NAME.test(keepBothName(long, new Set([long])))).toBe(true);
  });

  it('a file name becomes a valid model name', () => {
    expect(modelNameFromFile('my model (v2).json')).toBe('my model (v2)');
    expect(modelNameFromFile('a/b<c>.json')).toBe('a_b_c_');
    expect(modelNameFromFile('.json')).toBe('uploaded');
  });
});
