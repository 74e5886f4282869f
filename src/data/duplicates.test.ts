import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findDuplicates, planDuplicates, sha256Hex } from './duplicates';

describe('duplicate images', () => {
  const existing = [{ key: 'img1', hash: 'aa' }, { key: 'img2', hash: 'bb' }, { key: 'img3', hash: 'aa' }];
  const incoming = [{ key: 'new-a', hash: 'aa' }, { key: 'new-c', hash: 'cc' }, { key: 'new-a2', hash: 'aa' }];
  const matches = findDuplicates(existing, incoming);

  it('matches incoming images to the first existing image with the same bytes', () => {
    expect([...matches]).toEqual([['new-a', 'img1'], ['new-a2', 'img1']]);
  });

  it('skip adds only the new images', () => {
    expect(planDuplicates(['new-a', 'new-c', 'new-a2'], matches, 'skip'))
      .toEqual({ add: ['new-c'], replace: new Map(), skipped: ['new-a', 'new-a2'] });
  });

  it('replace puts the first incoming copy in the existing image\'s place and skips further copies', () => {
    expect(planDuplicates(['new-a', 'new-c', 'new-a2'], matches, 'replace'))
      .toEqual({ add: ['new-c'], replace: new Map([['img1', 'new-a']]), skipped: ['new-a2'] });
  });

  it('keep adds everything', () => {
    expect(planDuplicates(['new-a', 'new-c', 'new-a2'], matches, 'keep'))
      .toEqual({ add: ['new-a', 'new-c', 'new-a2'], replace: new Map(), skipped: [] });
  });

  it('sha256Hex is SHA-256', async () => {
    const bytes = new Uint8Array([0xff, 0xd8, 1, 2, 3]);
    expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
