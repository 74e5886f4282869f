import { describe, expect, it } from 'vitest';
import { wasmThreadCount, WASM_MAX_THREADS } from './wasm_threads';

describe('wasmThreadCount', () => {
  it('uses one thread per logical core when the page is cross-origin isolated', () => {
    expect(wasmThreadCount(2, true)).toBe(2);
    expect(wasmThreadCount(6, true)).toBe(6);
  });
  it('stays within the 8 pthread workers tfjs pre-creates', () => {
    expect(wasmThreadCount(32, true)).toBe(WASM_MAX_THREADS);
  });
  it('falls back to one thread without SharedArrayBuffer or without a core count', () => {
    expect(wasmThreadCount(8, false)).toBe(1);
    expect(wasmThreadCount(undefined, true)).toBe(1);
    expect(wasmThreadCount(1, true)).toBe(1);
  });
});
