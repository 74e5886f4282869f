import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { directoriesOf, fsPathOfUrl, fsUrl, harnessAllowList, isInside, jobImageDirs } from './serve_dirs';

const REPO = '/work/repo';

describe('harnessAllowList', () => {
  it('is the repository alone when nothing else is given', () => {
    expect(harnessAllowList(REPO)).toEqual([REPO]);
    expect(harnessAllowList(REPO, [])).toEqual([REPO]);
  });

  it('adds the given directories, resolved, and not their parents', () => {
    const allow = harnessAllowList(REPO, ['/data/sets/cells/', '/models/m1', 'rel/ds']);
    expect(allow).toEqual([REPO, '/data/sets/cells', '/models/m1', resolve('rel/ds')]);
    for (const parent of ['/', '/data', '/data/sets', '/models', resolve('rel'), resolve('.')]) {
      if (parent === REPO) continue;
      expect(allow).not.toContain(parent);
    }
    // a sibling of a served folder with the same prefix is not inside it
    expect(allow.some((dir) => isInside('/data/sets/cells2/a.jpg', dir))).toBe(false);
    expect(allow.some((dir) => isInside('/data/sets/cells/JPEGImages/a.jpg', dir))).toBe(true);
    expect(isInside('/d/..hidden/x.jpg', '/d')).toBe(true);
    expect(isInside('/d', '/d/sub')).toBe(false);
  });

  it('never lists a folder twice or one inside another', () => {
    expect(harnessAllowList(REPO, ['/d/images', '/d/images/', '/d/images/sub', `${REPO}/public/models`])).toEqual([REPO, '/d/images']);
    // a parent named after its child replaces it; the repository stays first
    expect(harnessAllowList(REPO, ['/d/a', '/d/b', '/d'])).toEqual([REPO, '/d']);
  });
});

describe('fsUrl and fsPathOfUrl', () => {
  it('round-trip an absolute path and ignore other URLs', () => {
    expect(fsUrl('/tmp/ds/images/x.jpg')).toBe('/@fs/tmp/ds/images/x.jpg');
    expect(fsPathOfUrl(fsUrl('/tmp/ds/images/x.jpg'))).toBe('/tmp/ds/images/x.jpg');
    expect(fsUrl('ds/x.jpg')).toBe(`/@fs${resolve('ds/x.jpg')}`);
    expect(fsPathOfUrl('/backbone/centernet.json')).toBeUndefined();
  });
});

describe('the folders a train/eval job serves', () => {
  it('are exactly the folders of its images', () => {
    expect(directoriesOf(['/a/x.jpg', '/a/y.jpg', '/b/c/z.png'])).toEqual(['/a', '/b/c']);
    const image = (path: string) => ({ url: fsUrl(path) });
    const job = { train: [image('/ds/JPEGImages/1.jpg'), image('/ds/JPEGImages/2.jpg')], test: [image('/elsewhere/t/3.jpg')] };
    expect(jobImageDirs(job)).toEqual(['/ds/JPEGImages', '/elsewhere/t']);
    expect(harnessAllowList(REPO, jobImageDirs(job))).toEqual([REPO, '/ds/JPEGImages', '/elsewhere/t']);
    expect(jobImageDirs({ ...job, validation: [image('/val/v.jpg'), image('/ds/JPEGImages/4.jpg')] })).toEqual(['/ds/JPEGImages', '/val', '/elsewhere/t']);
  });
});
