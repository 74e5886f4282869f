import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../lib/require_shared.mjs';
import { checkGolden, summaryLine } from './check';
import type { GoldenLayout } from './types';

const cpu = { backend: 'cpu' } as const;

// Reference §11 boxes: a/b overlap with IoU 0.2857 (kept at 0.3), a/c with 0.4737 (suppressed at 0.3).
const nmsFile = {
  cases: [
    { boxes: [[0, 0, 9, 9], [5, 0, 14, 9], [0, 0, 9, 19]], scores: [0.9, 0.8, 0.7], classes: [0, 0, 0], iouThreshold: 0.3, keepInScoreOrder: [0, 1] },
    { boxes: [[0, 0, 9, 9], [0, 0, 9, 19]], scores: [0.1, 0.2], classes: [0, 1], iouThreshold: 0.3, keepInScoreOrder: [1, 0] },
  ],
};

// Worked by hand in src/evaluation/voc_eval.test.ts: AP 8.5/11 (11-point) and 0.75 (area).
const vocFile = {
  groundTruth: {
    img1: { width: 50, height: 50, objects: [{ name: 'cat', difficult: 0, box: [1, 1, 10, 10] }, { name: 'cat', difficult: 1, box: [20, 20, 29, 29] }] },
    img2: { width: 50, height: 50, objects: [{ name: 'cat', difficult: 0, box: [1, 1, 10, 10] }] },
  },
  detections: {
    cat: [
      { image: 'img1', score: 0.9, box: [1, 1, 10, 10] },
      { image: 'img1', score: 0.8, box: [1, 1, 10, 10] },
      { image: 'img1', score: 0.7, box: [20, 20, 29, 29] },
      { image: 'img3', score: 0.6, box: [1, 1, 5, 5] },
      { image: 'img2', score: 0.5, box: [1, 1, 10, 10] },
    ],
  },
  ap: { voc07_11point: { cat: 8.5 / 11 }, area: { cat: 0.75 } },
};

describe('checkGolden', () => {
  it('passes a correct nms file, one line per case', async () => {
    const report = await checkGolden(nmsFile, cpu);
    expect(report.lines).toEqual(['ok   nms case 0 (3 boxes, 1 class, iou 0.3)', 'ok   nms case 1 (2 boxes, 2 classes, iou 0.3)']);
    expect(summaryLine(report)).toBe('2 passed, 0 failed');
  });

  it('fails an nms case whose expected keep list is wrong, and says where', async () => {
    const wrong = structuredClone(nmsFile);
    wrong.cases[0].keepInScoreOrder = [0]; // as if the +1 IoU had been used
    const report = await checkGolden(wrong, cpu);
    expect(report.failed).toBe(1);
    expect(report.lines[0]).toBe('FAIL nms case 0 (3 boxes, 1 class, iou 0.3): kept 2, expected 1; first difference at position 1: got 1, expected nothing');
    expect(summaryLine(report)).toBe('1 passed, 1 failed');
  });

  it('reports a malformed nms case instead of crashing', async () => {
    const report = await checkGolden({ cases: [{ ...nmsFile.cases[0], boxes: [[0, 0, 1]] }] }, cpu);
    expect(report.lines[0]).toMatch(/^FAIL nms case 0 .*malformed case/);
  });

  it('passes a correct voc_ap file and fails a wrong expected AP', async () => {
    expect((await checkGolden(vocFile, cpu)).lines).toEqual(['ok   voc_ap cat (npos 2, 5 detections)']);
    const wrong = { ...vocFile, ap: { voc07_11point: { cat: 0.7 }, area: { cat: 0.75 } } };
    const report = await checkGolden(wrong, cpu);
    expect(report).toMatchObject({ passed: 0, failed: 1 });
    expect(report.lines[0]).toMatch(/^FAIL voc_ap cat .*voc07_11point 0\.772727, expected 0\.7/);
  });

  it('fails an unrecognised layout, naming the fields each layout needs', async () => {
    const report = await checkGolden({ cases: [{ featuresShapeNCHW: [1, 1, 2, 2] }] }, cpu);
    expect(report).toMatchObject({ passed: 0, failed: 1 });
    expect(report.lines[0]).toMatch(/^FAIL unrecognised golden layout \(top-level fields: cases\)/);
    expect(report.lines[0]).toContain('nms: cases[] with boxes, scores, classes, iouThreshold, keepInScoreOrder');
    expect(report.lines[0]).toContain('voc_ap: groundTruth');
    expect((await checkGolden([1, 2], cpu)).lines[0]).toContain('a JSON array');
  });

  it('takes layouts as a list: a new one plugs in, its crashes and empty files count as failures', async () => {
    const fake: GoldenLayout = {
      name: 'fake',
      expects: 'fake: true',
      matches: (json) => typeof json === 'object' && json !== null && 'fake' in json,
      run: async (json, options) => {
        if ((json as { fake: unknown }).fake === 'crash') throw new Error('backend exploded');
        if ((json as { fake: unknown }).fake === 'empty') return [];
        return [{ name: `fake on ${options.backend}`, ok: true }];
      },
    };
    expect((await checkGolden({ fake: true }, { backend: 'webgl' }, [fake])).lines).toEqual(['ok   fake on webgl']);
    expect((await checkGolden({ fake: 'crash' }, cpu, [fake])).lines).toEqual(['FAIL fake: backend exploded']);
    expect((await checkGolden({ fake: 'empty' }, cpu, [fake])).failed).toBe(1);
  });
});

// What `npm run test:golden` runs in Node, through the same checker, on the shared files themselves (npm test runs this;
// the webgpu and webgl RoI-pooling runs are e2e/roi_pool.spec.ts): every case of each file passes.
describe('the shared golden files on cpu', () => {
  it.each(['nms.json', 'voc_ap.json', 'roi_pool.json'])('%s: every case passes', async (file) => {
    const json = JSON.parse(readFileSync(join(SHARED_DIR, 'golden', file), 'utf8')) as { cases?: unknown[] };
    const report = await checkGolden(json, cpu);
    expect(report.lines.filter((l) => !l.startsWith('ok '))).toEqual([]);
    expect(report.failed).toBe(0);
    if (json.cases) expect(report.passed).toBe(json.cases.length);
    else expect(report.passed).toBeGreaterThan(0);
  });
});
