import { describe, expect, it } from 'vitest';
import { jobsOf, resolveConfig } from './modes';
import { splitJobs } from './split_jobs';

describe('splitJobs', () => {
  it('gives each fast-mode colour space its own worker', () => {
    const groups = splitJobs(jobsOf(resolveConfig('fast')), 2);
    expect(groups.map((g) => g.map((j) => j.colorSpace))).toEqual([['hsv'], ['lab']]);
  });

  it('balances the quality-mode colour spaces and never makes more groups than jobs', () => {
    const jobs = jobsOf(resolveConfig('quality'));
    const groups = splitJobs(jobs, 2);
    expect(groups).toHaveLength(2);
    expect(groups.flat().map((j) => j.colorSpace).sort()).toEqual(['h', 'hsv', 'i', 'lab', 'rgi']);
    expect(splitJobs(jobs, 16)).toHaveLength(5);
    expect(splitJobs(jobs, 0)).toHaveLength(1);
  });
});
