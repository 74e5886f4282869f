import { describe, expect, it } from 'vitest';
import { REMEMBERED_BACKEND_KEY, addressFor, backendRequest, forgetRemembered, readRemembered, storeRemembered } from './backend_choice';

/** A Map behind the Storage methods the page uses. */
function memoryStorage(initial: Record<string, string> = {}): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & { map: Map<string, string> } {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

const remembered = { fingerprint: 'webgpu=none|webgl=ANGLE (Intel)|wasm=2|cores=2|ua=x', name: 'webgl' as const, reason: 'measured webgl 4.0 ms, wasm 12 ms: webgl is the fastest: using WebGL', probe: null };

describe('the remembered automatic choice', () => {
  it('round-trips through storage as JSON', () => {
    const storage = memoryStorage();
    storeRemembered({ remember: remembered }, storage);
    expect(JSON.parse(storage.map.get(REMEMBERED_BACKEND_KEY)!)).toEqual(remembered);
    expect(readRemembered(storage)).toEqual(remembered);
  });

  it('is not stored for a choice that asks for none (a named backend), and forgetting removes it', () => {
    const storage = memoryStorage();
    storeRemembered({ remember: null }, storage);
    expect(storage.map.size).toBe(0);
    storeRemembered({ remember: remembered }, storage);
    forgetRemembered(storage);
    expect(readRemembered(storage)).toBeNull();
  });

  it('reads as none when damaged, of another shape, or names no backend', () => {
    expect(readRemembered(memoryStorage({ [REMEMBERED_BACKEND_KEY]: '{not json' }))).toBeNull();
    expect(readRemembered(memoryStorage({ [REMEMBERED_BACKEND_KEY]: '"wasm"' }))).toBeNull();
    expect(readRemembered(memoryStorage({ [REMEMBERED_BACKEND_KEY]: JSON.stringify({ ...remembered, name: 'metal' }) }))).toBeNull();
    expect(readRemembered(null)).toBeNull();
  });

  it('a storage that throws (quota, privacy mode) costs nothing but the memory', () => {
    const throwing = { setItem: () => { throw new DOMException('full', 'QuotaExceededError'); }, removeItem: () => { throw new Error('blocked'); } };
    expect(() => storeRemembered({ remember: remembered }, throwing)).not.toThrow();
    expect(() => forgetRemembered(throwing)).not.toThrow();
  });
});

describe('the address', () => {
  it('?backend= names one backend; anything else, or nothing, is automatic; ?measure asks for a probe', () => {
    expect(backendRequest('?backend=wasm')).toEqual({ preference: 'wasm', measure: false });
    expect(backendRequest('?backend=auto&measure=1')).toEqual({ preference: 'auto', measure: true });
    expect(backendRequest('?backend=metal')).toEqual({ preference: 'auto', measure: false });
    expect(backendRequest('')).toEqual({ preference: 'auto', measure: false });
  });

  it('switching sets or drops ?backend= and keeps the other parameters', () => {
    expect(addressFor('http://h/?model=none&backend=webgl', 'wasm')).toBe('http://h/?model=none&backend=wasm');
    expect(addressFor('http://h/?model=none&backend=webgl', 'auto')).toBe('http://h/?model=none');
    expect(addressFor('http://h/?backend=wasm', 'auto', true)).toBe('http://h/?measure=1');
    expect(addressFor('http://h/?measure=1', 'cpu')).toBe('http://h/?backend=cpu');
  });
});
