/**
 * npm run bench:roipool [-- --json] [--quick | --configs 2000x512,128x64]
 *
 * RoI pooling on WebGPU in headless Chromium: the WGSL kernels against the fastest stock-tfjs composition found
 * (scripts/bench/roi_pool_page.ts), forward and backward, for R in {128, 512, 2000} and C in {64, 256, 512}, 7 x 7 bins
 * on a 38 x 50 map (a 600 x 800 image at stride 16); the kernels' effective bandwidth against a plain device copy
 * measured in the same run; and the deterministic backward against an atomic scatter. Prints markdown tables, or
 * with --json one JSON object. Times are medians of wall time per call (the variants take turns); on a software
 * adapter the GPU process's CPU time per call is shown too, the steadier figure on a shared machine.
 */
import type { Page } from '@playwright/test';
import { withHarness } from './lib/browser_session';
import { cpuMs, findGpuProcess } from './lib/gpu_process_cpu';
import type * as PageModule from './bench/roi_pool_page';
import type { BenchConfig, PreparedBench, Variant } from './bench/roi_pool_page';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const quick = args.includes('--quick'); // one small configuration: checks that the benchmark runs
const only = args[args.indexOf('--configs') + 1]; // RxC pairs, e.g. 2000x512

const CONFIGS: [numRois: number, channels: number][] = args.includes('--configs')
  ? (only ?? '').split(',').map((pair) => pair.split('x').map(Number) as [number, number])
  : quick
    ? [[128, 64]]
    : [128, 512, 2000].flatMap((r) => [64, 256, 512].map((c): [number, number] => [r, c]));
if (CONFIGS.some(([r, c]) => !(r > 0 && c > 0))) throw new Error(`--configs takes RxC pairs such as 2000x512, got ${only}`);
const KERNEL_RUNS = 5;
const STOCK_RUNS = 3;
const BASE = { mapHeight: 38, mapWidth: 50, pooled: 7, spatialScale: 1 / 16 };
const RUNS: Record<Variant, number> = {
  forwardKernel: KERNEL_RUNS,
  forwardStock: STOCK_RUNS,
  backwardKernel: KERNEL_RUNS,
  backwardAtomic: KERNEL_RUNS,
  backwardStock: STOCK_RUNS,
};
const PAGE = '/scripts/bench/roi_pool_page.ts';

interface Timing {
  readonly ms: number;
  /** GPU process CPU ms per call, when readable. */
  readonly cpuMs: number | null;
}

interface Measured extends PreparedBench {
  readonly times: Record<Variant, Timing>;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (v: number, digits: number) => Number(v.toFixed(digits));

async function measure(page: Page, config: BenchConfig, gpuProcess: number | null): Promise<Measured> {
  const prepared = await page.evaluate(async ([path, c]) => {
    const bench = (await window.harness.load(path)) as unknown as typeof PageModule;
    return bench.prepareBench(c);
  }, [PAGE, config] as const);
  const samples = Object.fromEntries(Object.keys(RUNS).map((k) => [k, { ms: [] as number[], cpu: [] as number[] }]));
  const rounds = Math.max(...Object.values(RUNS));
  for (let round = 0; round <= rounds; round += 1) {
    // Variants take turns, so a slow spell of a shared machine falls on all of them; round 0 is the warm-up.
    for (const [name, runs] of Object.entries(RUNS) as [Variant, number][]) {
      if (round > runs) continue;
      const cpuBefore = gpuProcess == null ? 0 : cpuMs(gpuProcess);
      const ms = await page.evaluate(async ([path, variant]) => {
        const bench = (await window.harness.load(path)) as unknown as typeof PageModule;
        return bench.timeVariant(variant);
      }, [PAGE, name] as const);
      if (round === 0) continue;
      samples[name].ms.push(ms);
      if (gpuProcess != null) samples[name].cpu.push(cpuMs(gpuProcess) - cpuBefore);
    }
  }
  await page.evaluate(async (path) => ((await window.harness.load(path)) as unknown as typeof PageModule).disposeBench(), PAGE);
  const times = Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [name, { ms: median(s.ms), cpuMs: s.cpu.length > 0 ? median(s.cpu) : null }]),
  ) as Record<Variant, Timing>;
  return { ...prepared, times };
}

const report = await withHarness({ backend: 'webgpu' }, async ({ page }) => {
  const adapter = await page.evaluate(() => {
    const backend = window.harness.tf.backend() as unknown as { adapterInfo: { vendor: string; architecture: string } };
    return { vendor: backend.adapterInfo.vendor, architecture: backend.adapterInfo.architecture };
  });
  const gpuProcess = adapter.architecture === 'swiftshader' ? findGpuProcess() : null;
  const results: Measured[] = [];
  for (const [numRois, channels] of CONFIGS) {
    if (!asJson) process.stderr.write(`R=${numRois} C=${channels} ...\n`);
    results.push(await measure(page, { ...BASE, numRois, channels }, gpuProcess));
  }
  const copyBytes = Math.max(...results.flatMap((r) => [r.forwardBytes, r.backwardBytes]));
  const copyGbPerSecond = await page.evaluate(
    async ([path, bytes]) => ((await window.harness.load(path)) as unknown as typeof PageModule).copyBandwidth(bytes, 5),
    [PAGE, copyBytes] as const,
  );
  const gpuErrors = await page.evaluate(() => window.harness.gpuErrors);
  if (gpuErrors.length > 0) throw new Error(`WebGPU errors during the benchmark: ${gpuErrors.join('; ')}`);
  return { adapter, results, copyGbPerSecond, copyBytes };
});

const rows = report.results.flatMap((r) =>
  (['forward', 'backward'] as const).map((pass) => {
    const [kernel, stock] = [r.times[`${pass}Kernel`], r.times[`${pass}Stock`]];
    const bytes = pass === 'forward' ? r.forwardBytes : r.backwardBytes;
    return {
      row: {
        pass,
        R: r.numRois,
        C: r.channels,
        kernelMs: round(kernel.ms, 2),
        stockMs: round(stock.ms, 2),
        ratio: round(stock.ms / kernel.ms, 1),
        gbPerSecond: round(bytes / (kernel.ms * 1e6), 3),
      },
      cpu: kernel.cpuMs == null || stock.cpuMs == null ? null : { kernel: kernel.cpuMs, stock: stock.cpuMs },
    };
  }),
);
const copyGbPerSecond = round(report.copyGbPerSecond, 2);

if (asJson) {
  console.log(JSON.stringify({ backend: 'webgpu', rows: rows.map((r) => r.row), copyGbPerSecond }));
} else {
  const { vendor, architecture } = report.adapter;
  console.log(`RoI pooling on webgpu (${vendor} ${architecture}), 7 x 7 bins, 38 x 50 map; ms = median wall time per call\n`);
  console.log('| pass | R | C | WGSL kernel ms | stock tfjs ms | stock / kernel | kernel GB/s | of copy | GPU-process CPU ms: kernel / stock |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { row: r, cpu } of rows) {
    const share = `${((100 * r.gbPerSecond) / copyGbPerSecond).toFixed(1)}%`;
    const cpuCell = cpu == null ? 'n/a' : `${cpu.kernel.toFixed(0)} / ${cpu.stock.toFixed(0)} (${(cpu.stock / cpu.kernel).toFixed(1)}x)`;
    console.log(`| ${r.pass} | ${r.R} | ${r.C} | ${r.kernelMs} | ${r.stockMs} | ${r.ratio}x | ${r.gbPerSecond} | ${share} | ${cpuCell} |`);
  }
  console.log(`\nPlain device copy (copyBufferToBuffer of ${(report.copyBytes / 1e6).toFixed(0)} MB, read + write): ${copyGbPerSecond} GB/s`);
  console.log('\nBackward: deterministic block scatter (ours) against an atomic float scatter, after the same bins + argmax passes\n');
  console.log('| R | C | block, RoI chunks | deterministic ms | atomic ms | ratio | GPU-process CPU ms: deterministic / atomic |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of report.results) {
    const [ours, atomic] = [r.times.backwardKernel, r.times.backwardAtomic];
    const cpuCell = ours.cpuMs == null || atomic.cpuMs == null ? 'n/a' : `${ours.cpuMs.toFixed(0)} / ${atomic.cpuMs.toFixed(0)} (${(ours.cpuMs / atomic.cpuMs).toFixed(2)})`;
    console.log(
      `| ${r.numRois} | ${r.channels} | ${r.tileSize}, ${r.numChunks} | ${ours.ms.toFixed(1)} | ${atomic.ms.toFixed(1)} | ${(ours.ms / atomic.ms).toFixed(2)} | ${cpuCell} |`,
    );
  }
}
