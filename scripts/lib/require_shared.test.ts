import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingSharedEntries, SHARED_DIR, SHARED_ENTRIES, sharedFolderProblem } from './require_shared.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'shared-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the shared folder check', () => {
  it('looks at ../shared beside the repository, where the tests read it', () => {
    expect(SHARED_DIR).toBe(join(new URL('../../..', import.meta.url).pathname, 'shared'));
  });

  it('passes on this checkout', () => {
    expect(sharedFolderProblem()).toBeNull();
  });

  it('says where it looked and what to put there when the folder is missing', () => {
    const where = join(scratch, 'absent');
    const problem = sharedFolderProblem(where);
    expect(problem).toContain(`${where} does not exist`);
    expect(problem).toContain(`Put the shared folder at ${where}`);
    expect(problem).toMatch(/datasets\/bccd\/.*datasets\/raccoon\/.*golden\//s);
  });

  it('names exactly the entries that are missing', () => {
    const partial = join(scratch, 'partial');
    for (const entry of SHARED_ENTRIES.filter((e) => !e.startsWith('golden/'))) {
      const path = join(partial, entry);
      if (entry.endsWith('.txt') || entry.endsWith('.csv')) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, '');
      } else mkdirSync(path, { recursive: true });
    }
    expect(missingSharedEntries(partial)).toEqual(['golden/nms.json', 'golden/voc_ap.json', 'golden/roi_pool.json']);
    expect(sharedFolderProblem(partial)).toContain(`${partial} lacks golden/nms.json, golden/voc_ap.json, golden/roi_pool.json`);
  });
});
