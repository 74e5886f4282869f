import { describe, expect, it } from 'vitest';
import { userPath } from './user_path';

describe('userPath', () => {
  it('resolves a relative path against the directory the user ran npm from', () => {
    expect(userPath('data/set', '/home/me/photos')).toBe('/home/me/photos/data/set');
    expect(userPath('../set', '/home/me/photos')).toBe('/home/me/set');
  });

  it('keeps an absolute path', () => {
    expect(userPath('/srv/sets/cats', '/home/me')).toBe('/srv/sets/cats');
  });
});
