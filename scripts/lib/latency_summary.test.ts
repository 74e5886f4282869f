import { describe, expect, test } from 'vitest';
import type { ImageTiming, LatencyPageResult } from '../bench_latency_page';
import { latencyRow, median, networkMs, skippedRow, stageMs, summarize } from './latency_summary';

function image(ms: number, set: 'bccd' | 'raccoon' = 'bccd', gflop = 10): ImageTiming {
  const timesMs = { proposals: 0.3 * ms, preprocess: 0.05 * ms, backbone: 0.3 * ms, roiPool: 0.05 * ms, fc: 0.2 * ms, nms: 0.1 * ms, total: ms };
  return { set, name: `${set}-${ms}`, width: 640, height: 480, ms, timesMs, rois: 2000, detections: 3, flops: { backbone: 0, reduce: 0, fc: 0, outputs: 0, total: gflop * 1e9 } };
}

function result(requested: LatencyPageResult['requested'], images: ImageTiming[], extra: Partial<LatencyPageResult> = {}): LatencyPageResult {
  return {
    requested, backend: requested === 'auto' ? 'wasm' : requested, started: true, error: null, readyMs: 1500, images, cut: null,
    matMul: [{ size: 512, bestMs: 20, gflops: 13.4 }, { size: 1024, bestMs: 107, gflops: 20 }], matMulBackend: 'wasm, 2 threads',
    mainThread: { maxRafGapMs: 40, maxLongFrameMs: 62, frames: 100 }, ...extra,
  };
}

describe('latency summary', () => {
  test('median of odd and even counts; none of nothing', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  test("stages under the pipeline's names or the issue's; the network is preprocess + backbone + roiPool + heads", () => {
    expect(stageMs({ fc: 5 }, 'heads')).toBe(5);
    expect(stageMs({ heads: 7, fc: 5 }, 'heads')).toBe(7);
    expect(stageMs({ nms: 2 }, 'postprocess')).toBe(2);
    expect(stageMs({}, 'proposals')).toBe(0);
    expect(networkMs({ proposals: 100, preprocess: 1, backbone: 2, roiPool: 3, fc: 4, nms: 50 })).toBe(10);
  });

  test('a row: first image apart, warm medians, the limit from the best matMul rate, the longer main-thread block', () => {
    const row = latencyRow(result('wasm', [image(3000), image(1000), image(1200), image(800, 'raccoon', 5)]), 4);
    expect(row.status).toBe('ok');
    expect(row.firstMs).toBe(3000);
    expect(row.warmMedianMs).toBe(1000);
    expect(row.bccdWarmMedianMs).toBe(1100);
    expect(row.raccoonWarmMedianMs).toBe(800);
    expect(row.networkMedianMs).toBeCloseTo(0.6 * 1000);
    expect(row.stagesMs!.heads).toBeCloseTo(200);
    // 10 GFLOP at 20 GFLOP/s = 500 ms (the median over the warm images: 500, 500, 250)
    expect(row.limitMs).toBeCloseTo(500);
    expect(row.networkToLimit).toBeCloseTo(1.2);
    expect(row.endToEndToLimit).toBeCloseTo(2);
    expect(row.maxMainThreadBlockMs).toBe(62);
    expect(row.matMulOn).toBe('wasm, 2 threads');
  });

  test('one image: no warm median, stages from the first; a backend that did not start says why', () => {
    const one = latencyRow(result('webgpu', [image(90_000)], { cut: 'time cap' }), 25);
    expect(one.warmMedianMs).toBeNull();
    expect(one.networkMedianMs).toBeCloseTo(54_000);
    expect(one.note).toBe('time cap');
    const none = latencyRow(result('webgl', [], { started: false, backend: null, error: 'webgl failed to initialise', readyMs: 0, matMul: [] }), 25);
    expect(none.status).toBe('did not start: webgl failed to initialise');
    expect(none.ran).toBeNull();
    expect(none.limitMs).toBeNull();
    expect(none.maxMainThreadBlockMs).toBeNull();
  });

  test('auto against the fastest named backend; the worst block over all rows', () => {
    const summary = summarize([
      latencyRow(result('webgl', [image(30_000), image(20_000)], { mainThread: { maxRafGapMs: 550, maxLongFrameMs: null, frames: 9 } }), 2),
      latencyRow(result('wasm', [image(3000), image(1000)]), 2),
      skippedRow('cpu', 2, 'budget'),
      latencyRow(result('auto', [image(3000), image(1100)]), 2),
    ]);
    expect(summary.auto).toEqual({ backend: 'wasm', warmMedianMs: 1100, fastest: 'wasm', fastestWarmMedianMs: 1000, toFastest: 1.1 });
    expect(summary.maxMainThreadBlockMs).toBe(550);
    expect(summary.maxMainThreadBlockBackend).toBe('webgl');
    expect(summary.rows[2].status).toBe('skipped: budget');
  });
});
