import { describe, expect, it } from 'vitest';
import {
  classifyGpu, fingerprintOf, planBackend, rankProbe, reasonSentence, softwareRendererName,
  type BackendFacts, type GpuFacts, type ProbeTiming,
} from './backend_decision';

/** What headless Chromium reports on this project's CI machine (--use-webgpu-adapter=swiftshader). */
const SWIFTSHADER_ADAPTER = 'google / swiftshader / SwiftShader Device (Subzero)';
const SWIFTSHADER_GL = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const NVIDIA_ADAPTER = 'nvidia / ampere / NVIDIA GeForce RTX 3060';
const INTEL_GL = 'ANGLE (Intel, Intel(R) UHD Graphics 620 (0x00005917) Direct3D11 vs_5_0 ps_5_0, D3D11)';

const gpu = (name: string, fallback = false): GpuFacts => ({ available: true, name, fallback, error: null });
const none = (error: string): GpuFacts => ({ available: false, name: '', fallback: false, error });

function facts(webgpu: GpuFacts, webgl: GpuFacts, wasm = true): BackendFacts {
  return {
    webgpu, webgl,
    wasm: wasm ? { available: true, threads: 2, error: null } : { available: false, threads: 0, error: "the page's policy forbids compiling WebAssembly" },
    userAgent: 'Mozilla/5.0 HeadlessChrome/131', cores: 2,
  };
}

const timing = (name: ProbeTiming['name'], ms: number | null, error: string | null = null): ProbeTiming => ({ name, ms, warmupMs: ms === null ? null : 3 * ms, runs: ms === null ? 0 : 3, error });

describe('softwareRendererName', () => {
  it.each([
    [SWIFTSHADER_ADAPTER, 'SwiftShader'],
    [SWIFTSHADER_GL, 'SwiftShader'],
    ['Google SwiftShader', 'SwiftShader'],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', 'llvmpipe'],
    ['Mesa / llvmpipe, or similar', 'llvmpipe'], // Firefox's sanitised name
    ['mesa / lavapipe / llvmpipe (LLVM 15.0.6, 256 bits)', 'llvmpipe'],
    ['mesa / lavapipe', 'lavapipe'],
    ['ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)', 'Microsoft Basic Render Driver'],
    ['Apple Software Renderer', 'Apple Software Renderer'],
    ['Gallium 0.4 on softpipe', 'softpipe'],
    ['Software Rasterizer', 'a software renderer'],
  ])('%s is a software renderer (%s)', (name, label) => {
    expect(softwareRendererName(name)).toBe(label);
  });

  it.each([NVIDIA_ADAPTER, INTEL_GL, 'apple / metal-3 / Apple M2', 'ANGLE (AMD, AMD Radeon RX 6800 XT Direct3D11 vs_5_0 ps_5_0, D3D11)', 'Mali-G78', 'Adreno (TM) 650', ''])(
    '%s is not', (name) => {
      expect(softwareRendererName(name)).toBeNull();
    },
  );
});

describe('classifyGpu', () => {
  it('a fallback adapter is software even when its name says nothing', () => {
    expect(classifyGpu(gpu('', true)).kind).toBe('software');
    expect(classifyGpu(gpu('some vendor', true)).kind).toBe('software');
  });
  it('an available GPU without a name is unknown, a named one hardware, a missing one none', () => {
    expect(classifyGpu(gpu('  ')).kind).toBe('unknown');
    expect(classifyGpu(gpu(NVIDIA_ADAPTER))).toEqual({ kind: 'hardware', label: NVIDIA_ADAPTER });
    expect(classifyGpu(none('no adapter'))).toEqual({ kind: 'none', label: 'no adapter' });
  });
});

describe('planBackend', () => {
  it('SwiftShader WebGPU (headless Chromium here): wasm, no probe, and the reason names the software adapter', () => {
    const plan = planBackend({ facts: facts(gpu(SWIFTSHADER_ADAPTER), gpu(SWIFTSHADER_GL)) });
    expect(plan.kind).toBe('use');
    if (plan.kind !== 'use') return;
    expect(plan.order[0]).toBe('wasm');
    expect(plan.basis).toBe('capability');
    expect(reasonSentence(plan.why, 'wasm', 2)).toBe('the WebGPU adapter is a software renderer (SwiftShader): using wasm, 2 threads');
    expect(plan.skipped.map((s) => s.name).sort()).toEqual(['webgl', 'webgpu']);
  });

  it('a fallback adapter with an empty name is not a GPU either', () => {
    const plan = planBackend({ facts: facts(gpu('', true), none('no WebGL context')) });
    expect(plan).toMatchObject({ kind: 'use', order: ['wasm', 'webgpu', 'webgl', 'cpu'] });
  });

  it('a hardware WebGPU adapter: webgpu at once, no probe', () => {
    const plan = planBackend({ facts: facts(gpu(NVIDIA_ADAPTER), gpu(INTEL_GL)) });
    expect(plan).toMatchObject({ kind: 'use', basis: 'capability', order: ['webgpu', 'webgl', 'wasm', 'cpu'] });
    expect(plan.kind === 'use' && plan.why).toContain('NVIDIA GeForce RTX 3060');
  });

  it('no WebGPU but a hardware WebGL: probe WebGL against wasm', () => {
    const plan = planBackend({ facts: facts(none('this browser has no WebGPU'), gpu(INTEL_GL)) });
    expect(plan).toMatchObject({ kind: 'probe', candidates: ['webgl', 'wasm'] });
  });

  it('a WebGPU adapter that does not say what it is: probed, with a hardware WebGL beside it', () => {
    const plan = planBackend({ facts: facts(gpu(''), gpu(INTEL_GL)) });
    expect(plan).toMatchObject({ kind: 'probe', candidates: ['webgpu', 'webgl', 'wasm'] });
  });

  it('no GPU API at all: wasm, and the reason says there is no GPU', () => {
    const plan = planBackend({ facts: facts(none('this browser has no WebGPU'), none('no WebGL context')) });
    expect(plan).toMatchObject({ kind: 'use', order: ['wasm', 'webgpu', 'webgl', 'cpu'] });
    expect(plan.kind === 'use' && plan.why).toBe('there is no GPU: WebGPU is not available (this browser has no WebGPU) and WebGL is not available (no WebGL context)');
  });

  it('no WebGPU and a software WebGL: wasm, and the reason names the WebGL renderer', () => {
    const plan = planBackend({ facts: facts(none('this browser has no WebGPU'), gpu('llvmpipe (LLVM 15)')) });
    expect(plan).toMatchObject({ kind: 'use', order: ['wasm', 'webgpu', 'webgl', 'cpu'] });
    expect(plan.kind === 'use' && plan.why).toContain('WebGL is a software renderer (llvmpipe)');
  });

  it('without wasm a hardware WebGL is probed against the CPU backend, and software GPUs keep the old order', () => {
    expect(planBackend({ facts: facts(none('no WebGPU'), gpu(INTEL_GL), false) })).toMatchObject({ kind: 'probe', candidates: ['webgl', 'cpu'] });
    const plan = planBackend({ facts: facts(gpu(SWIFTSHADER_ADAPTER), none('no WebGL'), false) });
    expect(plan).toMatchObject({ kind: 'use', order: ['webgpu', 'webgl', 'wasm', 'cpu'] });
    expect(plan.kind === 'use' && plan.why).toContain('wasm cannot start');
  });

  it('"measure again" probes a hardware WebGPU against wasm; with only wasm left there is nothing to compare', () => {
    expect(planBackend({ facts: facts(gpu(NVIDIA_ADAPTER), gpu(SWIFTSHADER_GL)), measure: true })).toMatchObject({ kind: 'probe', candidates: ['webgpu', 'wasm'] });
    expect(planBackend({ facts: facts(gpu(SWIFTSHADER_ADAPTER), gpu(SWIFTSHADER_GL)), measure: true })).toMatchObject({ kind: 'use', order: ['wasm', 'webgpu', 'webgl', 'cpu'] });
  });

  it('an explicit list is probed as given, software renderers included', () => {
    expect(planBackend({ facts: facts(gpu(SWIFTSHADER_ADAPTER), gpu(SWIFTSHADER_GL)), measure: ['wasm', 'cpu', 'wasm'] })).toMatchObject({ kind: 'probe', candidates: ['wasm', 'cpu'] });
    expect(() => planBackend({ facts: facts(gpu(NVIDIA_ADAPTER), gpu(INTEL_GL)), measure: [] })).toThrow(/name at least one backend/);
  });

  describe('a remembered choice', () => {
    const here = facts(none('no WebGPU'), gpu(INTEL_GL));
    const remembered = { fingerprint: fingerprintOf(here), name: 'webgl' as const, reason: 'WebGL (x) may be slower or faster than the CPU here; measured webgl 4.0 ms, wasm 12 ms: webgl is the fastest: using WebGL', probe: null };

    it('is used without a probe while the fingerprint matches, its reason quoted without the old ending', () => {
      const plan = planBackend({ facts: here, remembered });
      expect(plan).toMatchObject({ kind: 'use', basis: 'remembered', order: ['webgl', 'webgpu', 'wasm', 'cpu'] });
      expect(plan.kind === 'use' && plan.why).toBe('remembered from an earlier visit: WebGL (x) may be slower or faster than the CPU here; measured webgl 4.0 ms, wasm 12 ms: webgl is the fastest');
    });

    it('is ignored on another GPU, browser version or core count, and when asked to measure', () => {
      expect(planBackend({ facts: { ...here, webgl: gpu('ANGLE (NVIDIA, RTX 4090)') }, remembered }).kind).toBe('probe');
      expect(planBackend({ facts: { ...here, userAgent: 'Mozilla/5.0 HeadlessChrome/132' }, remembered }).kind).toBe('probe');
      expect(planBackend({ facts: { ...here, cores: 8 }, remembered }).kind).toBe('probe');
      expect(planBackend({ facts: here, remembered, measure: true }).kind).toBe('probe');
    });
  });
});

describe('rankProbe', () => {
  it('takes the fastest, says the times, and lists the slower and the failed as skipped', () => {
    const ranked = rankProbe([timing('webgl', 31.6), timing('wasm', 12.2), timing('webgpu', null, 'no adapter')]);
    expect(ranked.order).toEqual(['wasm', 'webgl']);
    expect(ranked.why).toBe('measured wasm 12 ms, webgl 32 ms: wasm is the fastest');
    expect(ranked.skipped).toEqual([
      { name: 'webgl', error: 'slower in the probe (32 ms against 12 ms on wasm)' },
      { name: 'webgpu', error: 'failed in the probe: no adapter' },
    ]);
  });

  it('a GPU that is faster wins', () => {
    expect(rankProbe([timing('webgl', 4.04), timing('wasm', 12)]).order[0]).toBe('webgl');
  });

  it('with every candidate failed there is no order, only the failures', () => {
    const ranked = rankProbe([timing('webgl', null, 'context lost')]);
    expect(ranked.order).toEqual([]);
    expect(ranked.skipped).toEqual([{ name: 'webgl', error: 'failed in the probe: context lost' }]);
  });
});

describe('fingerprintOf', () => {
  it('is plain text that changes with the adapter, the renderer, the threads and the browser', () => {
    const base = facts(gpu(SWIFTSHADER_ADAPTER), gpu(SWIFTSHADER_GL));
    const print = fingerprintOf(base);
    expect(print).toContain('SwiftShader Device');
    expect(fingerprintOf({ ...base, webgpu: gpu(SWIFTSHADER_ADAPTER, true) })).not.toBe(print);
    expect(fingerprintOf({ ...base, wasm: { available: true, threads: 1, error: null } })).not.toBe(print);
    expect(fingerprintOf({ ...base, userAgent: 'Firefox' })).not.toBe(print);
    expect(fingerprintOf(JSON.parse(JSON.stringify(base)) as BackendFacts)).toBe(print);
  });
});
