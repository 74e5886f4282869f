import { describe, expect, it } from 'vitest';
import { startWasmWithThreads, wasmThreadCount, WASM_MAX_THREADS } from './wasm_threads';

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

describe('startWasmWithThreads', () => {
  it('shows tfjs twice the core count while the backend starts, and the real count afterwards', async () => {
    const navigator = Object.create({ get hardwareConcurrency() { return 2; } }) as Navigator;
    let seen = 0;
    await startWasmWithThreads(async () => { seen = navigator.hardwareConcurrency; }, { navigator, crossOriginIsolated: true });
    expect(seen).toBe(4);
    expect(navigator.hardwareConcurrency).toBe(2);
  });
  it('changes nothing without cross-origin isolation, and restores the count when the start fails', async () => {
    const navigator = Object.create({ get hardwareConcurrency() { return 2; } }) as Navigator;
    let seen = 0;
    await startWasmWithThreads(async () => { seen = navigator.hardwareConcurrency; }, { navigator, crossOriginIsolated: false });
    expect(seen).toBe(2);
    await expect(startWasmWithThreads(async () => { throw new Error('no wasm'); }, { navigator, crossOriginIsolated: true })).rejects.toThrow('no wasm');
    expect(navigator.hardwareConcurrency).toBe(2);
  });
});
