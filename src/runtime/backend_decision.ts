/**
 * Which tfjs backend to run, decided from plain facts about the browser (what its WebGPU adapter and WebGL renderer
 * say they are, wasm's thread count) and, where those facts do not settle it, from a short timed probe.
 * Pure TypeScript with no tfjs, no DOM and no storage, so the rules are unit-tested in Node and the same decision is
 * taken in the page and in a Web Worker. The browser side (gathering the facts, timing the probe, starting the
 * backend) is select_backend.ts.
 *
 * A software adapter is not a GPU: Chromium's SwiftShader fallback took 57-159 s per detection on a 2-core machine
 * where wasm took about 2 s (issue 17), so a software renderer is never chosen while wasm can start.
 */

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

/** The order tried when nothing was measured: GPUs first (a hardware WebGL beats wasm more often than not). */
export const DEFAULT_BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What one GPU API reported in this browser. */
export interface GpuFacts {
  /** An adapter (WebGPU) or a context (WebGL) could be obtained. */
  readonly available: boolean;
  /**
   * What it says it is: WebGPU adapter info (vendor, architecture, device, description joined by ' / '), or
   * WebGL's UNMASKED_RENDERER_WEBGL (else RENDERER). '' when the browser does not say.
   */
  readonly name: string;
  /** WebGPU: the adapter is the browser's fallback (a software implementation). Always false for WebGL. */
  readonly fallback: boolean;
  /** Why it is not available; null when it is. */
  readonly error: string | null;
}

export interface WasmFacts {
  readonly available: boolean;
  /** Threads wasm starts with here: the cores when the page is cross-origin isolated, else 1. */
  readonly threads: number;
  readonly error: string | null;
}

/** Everything the decision reads. Plain data: it crosses worker boundaries and is part of the fingerprint. */
export interface BackendFacts {
  readonly webgpu: GpuFacts;
  readonly webgl: GpuFacts;
  readonly wasm: WasmFacts;
  readonly userAgent: string;
  /** navigator.hardwareConcurrency (0 when unknown). */
  readonly cores: number;
}

/** One probed backend: the median time of the workload after a warm-up run (shader compilation) that is not counted. */
export interface ProbeTiming {
  readonly name: BackendName;
  /** Median of the timed runs, in ms; null when the backend failed (see `error`). */
  readonly ms: number | null;
  /** The excluded warm-up run, in ms (compilation, weight upload). */
  readonly warmupMs: number | null;
  readonly runs: number;
  readonly error: string | null;
}

/** A backend that was not used, and why (failed to start, a software renderer, slower in the probe, …). */
export interface BackendAttempt {
  readonly name: BackendName;
  readonly error: string;
}

/** What a caller stores (e.g. in localStorage) and passes back on the next visit so that the probe is not repeated. */
export interface RememberedBackend {
  /** fingerprintOf(facts) when it was chosen: another GPU, driver, browser version or core count means a new choice. */
  readonly fingerprint: string;
  readonly name: BackendName;
  /** The reason sentence of the original choice. */
  readonly reason: string;
  readonly probe: readonly ProbeTiming[] | null;
}

/** How software renderers name themselves; the label is what the user reads. First match wins. */
const SOFTWARE_RENDERERS: readonly (readonly [RegExp, string])[] = [
  [/swift\s?shader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/lavapipe/i, 'lavapipe'],
  [/softpipe/i, 'softpipe'],
  [/microsoft basic render/i, 'Microsoft Basic Render Driver'],
  [/apple software renderer/i, 'Apple Software Renderer'],
  [/mesa offscreen|osmesa/i, 'Mesa OffScreen'],
  [/\bsoftware\b/i, 'a software renderer'],
];

/** The software renderer a GPU name reveals ('SwiftShader', 'llvmpipe', …), or null for anything else (a real GPU, or ''). */
export function softwareRendererName(gpuName: string): string | null {
  for (const [pattern, label] of SOFTWARE_RENDERERS) if (pattern.test(gpuName)) return label;
  return null;
}

export type GpuKind = 'none' | 'software' | 'hardware' | 'unknown';

/** none: no adapter/context; software: a CPU pretending to be a GPU; unknown: available but unnamed (masked). */
export function classifyGpu(gpu: GpuFacts): { readonly kind: GpuKind; readonly label: string } {
  if (!gpu.available) return { kind: 'none', label: gpu.error ?? 'not available' };
  const software = softwareRendererName(gpu.name);
  if (software !== null) return { kind: 'software', label: software };
  if (gpu.fallback) return { kind: 'software', label: 'the browser\'s fallback adapter' };
  if (gpu.name.trim() === '') return { kind: 'unknown', label: 'an unnamed GPU' };
  return { kind: 'hardware', label: gpu.name };
}

/** A stable text for "this browser on this machine": what the GPU APIs report, the user agent, the cores, the threads. */
export function fingerprintOf(facts: BackendFacts): string {
  const gpu = (g: GpuFacts): string => (g.available ? `${g.name}${g.fallback ? ' (fallback)' : ''}` : 'none');
  return [
    `webgpu=${gpu(facts.webgpu)}`,
    `webgl=${gpu(facts.webgl)}`,
    `wasm=${facts.wasm.available ? facts.wasm.threads : 'none'}`,
    `cores=${facts.cores}`,
    `ua=${facts.userAgent}`,
  ].join('|');
}

/** "wasm, 2 threads", "WebGPU", … */
export function backendLabel(name: BackendName, threads: number | null = null): string {
  switch (name) {
    case 'webgpu':
      return 'WebGPU';
    case 'webgl':
      return 'WebGL';
    case 'cpu':
      return 'the CPU backend (plain JavaScript)';
    case 'wasm':
      return threads === null ? 'wasm' : `wasm, ${threads} thread${threads === 1 ? '' : 's'}`;
  }
}

export interface DecisionInput {
  readonly facts: BackendFacts;
  /** The caller's stored choice from an earlier visit, if any. */
  readonly remembered?: RememberedBackend | null;
  /**
   * true: probe even when the facts settle it (the user's "measure again"); a list: probe exactly these backends
   * (software renderers included, for tests and benchmarks). Default false.
   */
  readonly measure?: boolean | readonly BackendName[];
}

/**
 * What to do: use a backend (`order`: the choice, then what to try if it does not start), or time `candidates` and
 * take the fastest. `skipped` says why the other backends are out.
 */
export type BackendPlan =
  | {
      readonly kind: 'use';
      readonly order: readonly BackendName[];
      readonly basis: 'capability' | 'remembered';
      /** Why `order[0]`, ending before the ": using …" part, which the caller adds once it knows what started. */
      readonly why: string;
      readonly skipped: readonly BackendAttempt[];
    }
  | {
      readonly kind: 'probe';
      readonly candidates: readonly BackendName[];
      readonly why: string;
      readonly skipped: readonly BackendAttempt[];
    };

/** Decides from the facts alone where they are clear-cut; otherwise names the candidates to probe. */
export function planBackend(input: DecisionInput): BackendPlan {
  const { facts, remembered = null, measure = false } = input;
  const webgpu = classifyGpu(facts.webgpu);
  const webgl = classifyGpu(facts.webgl);
  const fallbacks = (first: BackendName): BackendName[] => [first, ...DEFAULT_BACKEND_ORDER.filter((n) => n !== first)];

  if (Array.isArray(measure)) {
    const candidates = (measure as readonly BackendName[]).filter((name, i, all) => all.indexOf(name) === i);
    if (candidates.length === 0) throw new Error('measure: name at least one backend to probe (webgpu, wasm, webgl or cpu)');
    return { kind: 'probe', candidates, why: `asked to measure ${candidates.join(', ')}`, skipped: [] };
  }

  if (remembered !== null && measure !== true && remembered.fingerprint === fingerprintOf(facts)) {
    return { kind: 'use', order: fallbacks(remembered.name), basis: 'remembered', why: `remembered from an earlier visit: ${withoutUsing(remembered.reason)}`, skipped: [] };
  }

  const skipped: BackendAttempt[] = [];
  const softwareSkip = (name: BackendName, label: string): void => void skipped.push({ name, error: `a software renderer (${label}), not a GPU` });
  if (webgpu.kind === 'software') softwareSkip('webgpu', webgpu.label);
  if (webgl.kind === 'software') softwareSkip('webgl', webgl.label);
  if (webgpu.kind === 'none') skipped.push({ name: 'webgpu', error: webgpu.label });
  if (webgl.kind === 'none') skipped.push({ name: 'webgl', error: webgl.label });
  if (!facts.wasm.available) skipped.push({ name: 'wasm', error: facts.wasm.error ?? 'not available' });

  const gpuCandidates: BackendName[] = [];
  if (webgpu.kind === 'hardware' || webgpu.kind === 'unknown') gpuCandidates.push('webgpu');
  if (webgl.kind === 'hardware' || webgl.kind === 'unknown') gpuCandidates.push('webgl');
  const cpuCandidate: BackendName = facts.wasm.available ? 'wasm' : 'cpu';

  if (measure === true) {
    const candidates = [...gpuCandidates, cpuCandidate];
    if (candidates.length > 1) return { kind: 'probe', candidates, why: 'asked to measure', skipped };
  }

  // A named hardware WebGPU adapter: the fastest backend tfjs has, no need to measure.
  if (webgpu.kind === 'hardware') {
    return { kind: 'use', order: fallbacks('webgpu'), basis: 'capability', why: `the WebGPU adapter is a GPU (${webgpu.label})`, skipped };
  }
  // A GPU that may be real but is not clear-cut (WebGL only, or an adapter that does not say what it is): measure.
  if (gpuCandidates.length > 0) {
    const what = gpuCandidates.map((n) => `${n === 'webgpu' ? 'WebGPU' : 'WebGL'} (${(n === 'webgpu' ? webgpu : webgl).label})`).join(' and ');
    return { kind: 'probe', candidates: [...gpuCandidates, cpuCandidate], why: `${what} may be slower or faster than the CPU here`, skipped };
  }
  // Only software renderers, or no GPU API at all: the CPU through wasm.
  if (facts.wasm.available) {
    return { kind: 'use', order: ['wasm', ...DEFAULT_BACKEND_ORDER.filter((n) => n !== 'wasm')], basis: 'capability', why: noGpuWhy(webgpu, webgl), skipped };
  }
  // No wasm (e.g. a page policy without 'wasm-unsafe-eval'): the old order, a software GPU before plain JavaScript.
  return { kind: 'use', order: DEFAULT_BACKEND_ORDER, basis: 'capability', why: `${noGpuWhy(webgpu, webgl)} and wasm cannot start (${facts.wasm.error ?? 'not available'})`, skipped };
}

function noGpuWhy(webgpu: { kind: GpuKind; label: string }, webgl: { kind: GpuKind; label: string }): string {
  if (webgpu.kind === 'software') return `the WebGPU adapter is a software renderer (${webgpu.label})`;
  const noWebGpu = `WebGPU is not available (${webgpu.label})`;
  if (webgl.kind === 'software') return `${noWebGpu} and WebGL is a software renderer (${webgl.label})`;
  return `there is no GPU: ${noWebGpu} and WebGL is not available (${webgl.label})`;
}

/** A stored reason without its ": using …" ending, so it can be quoted before the new ending. */
function withoutUsing(reason: string): string {
  return reason.replace(/: using .*$/, '');
}

/**
 * The probe's verdict: the candidates that ran, fastest first (the order to start them in), and why. The fastest
 * wins outright: the goal is "never slower than 1.2x the fastest backend", and a GPU that only ties on the probe's
 * 50 MFLOP seldom pulls ahead on the real network, whose many small ops each pay the GPU's dispatch overhead.
 */
export function rankProbe(timings: readonly ProbeTiming[]): { readonly order: readonly BackendName[]; readonly why: string; readonly skipped: readonly BackendAttempt[] } {
  const ran = timings.filter((t): t is ProbeTiming & { ms: number } => t.ms !== null).sort((a, b) => a.ms - b.ms);
  const failed = timings.filter((t) => t.ms === null).map((t) => ({ name: t.name, error: `failed in the probe: ${t.error ?? 'unknown error'}` }));
  if (ran.length === 0) return { order: [], why: 'no candidate ran the probe', skipped: failed };
  const fastest = ran[0];
  const slower = ran.slice(1).map((t) => ({ name: t.name, error: `slower in the probe (${formatMs(t.ms)} against ${formatMs(fastest.ms)} on ${fastest.name})` }));
  const times = ran.map((t) => `${t.name} ${formatMs(t.ms)}`).join(', ');
  return { order: ran.map((t) => t.name), why: `measured ${times}: ${fastest.name} is the fastest`, skipped: [...slower, ...failed] };
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** The sentence for the user: why, then what runs ("…: using wasm, 2 threads"). */
export function reasonSentence(why: string, name: BackendName, threads: number | null): string {
  return `${why}: using ${backendLabel(name, threads)}`;
}
