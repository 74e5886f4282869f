/**
 * Starts the tfjs backend, the one place that does so for the page, the library, the detection worker and the
 * training worker. Two ways in:
 *  - chooseBackend(options): the automatic choice. The browser's facts (backend_facts.ts) decide where they are
 *    clear-cut (a hardware WebGPU adapter: webgpu; only software renderers: wasm); otherwise a timed probe
 *    (backend_probe.ts, under a second) compares the candidates, wasm included. The rules: backend_decision.ts.
 *  - selectBackend(order): the first backend of a list that starts (a named preference, `?backend=`, recovery).
 * Both return a BackendChoice: plain data with a sentence for the user, so it can cross a worker boundary.
 * No DOM and no storage here: a caller that remembers the choice (the app, in localStorage) passes it in.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import {
  DEFAULT_BACKEND_ORDER, backendLabel, fingerprintOf, planBackend, rankProbe, reasonSentence,
  type BackendAttempt, type BackendName, type ProbeTiming, type RememberedBackend,
} from './backend_decision';
import { gatherBackendFacts } from './backend_facts';
import { timeProbeWorkload } from './backend_probe';
import { setWasmBackend, wasmThreadsInUse } from './wasm_backend';

export {
  BACKEND_NAMES, DEFAULT_BACKEND_ORDER, backendLabel,
  type BackendAttempt, type BackendFacts, type BackendName, type ProbeTiming, type RememberedBackend,
} from './backend_decision';

/** How the backend was chosen. */
export type ChoiceBasis = 'capability' | 'measured' | 'remembered' | 'requested' | 'kept';

/** The running backend and why. Plain data (JSON-safe): it is posted from a worker and may be stored. */
export interface BackendChoice {
  readonly name: BackendName;
  /** A sentence for the user: why, then what runs ("the WebGPU adapter is a software renderer (SwiftShader): using wasm, 2 threads"). */
  readonly reason: string;
  /** wasm's thread count; null on the other backends. */
  readonly threads: number | null;
  /** Backends not used, with why (did not start, a software renderer, slower in the probe). */
  readonly skipped: readonly BackendAttempt[];
  /** A warning when the backend that should have run did not start; null otherwise. */
  readonly notice: string | null;
  readonly basis: ChoiceBasis;
  /** The probe's timings when candidates were measured (this time, or when the remembered choice was made); else null. */
  readonly probe: readonly ProbeTiming[] | null;
  /** What to store and pass back as `remembered` on the next visit; null for choices not made automatically. */
  readonly remember: RememberedBackend | null;
}

export interface ChooseOptions {
  /** The `remember` of an earlier choice in this browser; used while the browser's fingerprint still matches. */
  readonly remembered?: RememberedBackend | null;
  /** true: probe even where the facts are clear-cut ("measure again"); a list: probe exactly these backends. */
  readonly measure?: boolean | readonly BackendName[];
  /** Timed-run budget per probed backend in ms (after its warm-up run); default 150. */
  readonly probeBudgetMs?: number;
}

/** Makes `name` the active backend and runs one op on it; the reason it cannot, or null when it runs. */
export async function startBackend(name: BackendName): Promise<string | null> {
  // tfjs registers 'webgpu' only when navigator.gpu exists at import time; setBackend would throw otherwise.
  if (tf.findBackendFactory(name) == null) {
    return name === 'webgpu' ? 'this browser has no WebGPU (navigator.gpu is missing)' : `the ${name} backend is not registered`;
  }
  try {
    // setBackend resolves false (it does not throw) when e.g. requestAdapter() gives no adapter.
    const started = name === 'wasm' ? await setWasmBackend() : await tf.setBackend(name);
    if (!started) return name === 'webgpu' ? 'no WebGPU adapter could be obtained' : `${name} failed to initialise`;
    // A probe op: some drivers initialise but fail on first use.
    const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
    const value = (await probe.data())[0];
    probe.dispose();
    return value === 3 ? null : `${name} computed 1 + 2 = ${value}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The first of `order` that starts, and the failures before it; throws with every reason when none does. */
async function startFirst(order: readonly BackendName[]): Promise<{ name: BackendName; failures: BackendAttempt[] }> {
  const failures: BackendAttempt[] = [];
  for (const name of order) {
    const error = await startBackend(name);
    if (error == null) return { name, failures };
    failures.push({ name, error });
  }
  // The CPU backend always exists in @tensorflow/tfjs; reaching here means even it failed (or it was not asked for).
  throw new NoBackendError(failures);
}

/** None of the backends asked for started; the message lists each with its reason. */
export class NoBackendError extends Error {
  constructor(readonly failures: readonly BackendAttempt[]) {
    super(`no tfjs backend could start (${failures.map((s) => `${s.name}: ${s.error}`).join('; ')})`);
    this.name = 'NoBackendError';
  }
}

/** The warning when `wanted` did not start and `name` runs instead; null when `wanted` runs. */
export function backendNotice(name: BackendName, skipped: readonly BackendAttempt[], wanted: BackendName = 'webgpu'): string | null {
  if (name === wanted) return null;
  const why = skipped.find((attempt) => attempt.name === wanted)?.error;
  if (why === undefined) return null;
  return `${backendLabel(wanted)} is not available here (${why}), so the detector runs on ${backendLabel(name, wasmThreadsInUse())}. It works the same, only slower.`;
}

/** Selects the first backend in `order` that initialises and runs an op (a named preference: no probe). */
export async function selectBackend(order: readonly BackendName[] = DEFAULT_BACKEND_ORDER): Promise<BackendChoice> {
  if (order.length === 0) throw new Error('selectBackend: the backend order is empty; name at least one of webgpu, wasm, webgl, cpu');
  const { name, failures } = await startFirst(order);
  const threads = wasmThreadsInUse();
  const asked = order.length === 1 ? `asked for ${order[0]}` : `asked for the first of ${order.join(', ')} that starts`;
  const why = failures.length === 0 ? asked : `${asked}; ${failures.map((f) => `${f.name} did not start (${f.error})`).join('; ')}`;
  return {
    name, threads, skipped: failures, notice: backendNotice(name, failures, order[0]), basis: 'requested',
    reason: reasonSentence(why, name, threads), probe: null, remember: null,
  };
}

/** The backend a host page set itself (the library's 'keep'), described like any other choice. */
export async function keptBackend(): Promise<BackendChoice> {
  await tf.ready();
  const name = tf.getBackend() as BackendName;
  const threads = wasmThreadsInUse();
  return { name, threads, skipped: [], notice: null, basis: 'kept', reason: reasonSentence('the host page chose the backend', name, threads), probe: null, remember: null };
}

/** Times each candidate in turn (a backend that does not start is reported, not fatal). */
export async function probeBackends(candidates: readonly BackendName[], budgetMs = 150): Promise<ProbeTiming[]> {
  const timings: ProbeTiming[] = [];
  for (const name of candidates) {
    const error = await startBackend(name);
    if (error !== null) {
      timings.push({ name, ms: null, warmupMs: null, runs: 0, error });
      continue;
    }
    try {
      const run = await timeProbeWorkload(budgetMs);
      timings.push({ name, ms: run.ms, warmupMs: run.warmupMs, runs: run.runs, error: null });
    } catch (failure) {
      timings.push({ name, ms: null, warmupMs: null, runs: 0, error: failure instanceof Error ? failure.message : String(failure) });
    }
  }
  return timings;
}

/**
 * The automatic choice (the library's 'auto'): from the browser's facts where clear-cut, else by the probe; a
 * remembered choice whose fingerprint still matches is used without probing. Never throws while any backend starts.
 */
export async function chooseBackend(options: ChooseOptions = {}): Promise<BackendChoice> {
  const facts = await gatherBackendFacts();
  const remembered = options.remembered ?? null;
  const plan = planBackend({ facts, remembered, measure: options.measure ?? false });

  let order: readonly BackendName[];
  let why: string;
  let skipped: readonly BackendAttempt[];
  let probe: readonly ProbeTiming[] | null = null;
  let basis: ChoiceBasis;
  if (plan.kind === 'probe') {
    probe = await probeBackends(plan.candidates, options.probeBudgetMs);
    const ranked = rankProbe(probe);
    // should every candidate fail, the ordinary order still finds something that runs
    order = [...ranked.order, ...DEFAULT_BACKEND_ORDER.filter((name) => !ranked.order.includes(name))];
    why = `${plan.why}; ${ranked.why}`;
    skipped = [...plan.skipped, ...ranked.skipped];
    basis = 'measured';
  } else {
    ({ order, why, skipped, basis } = plan);
    if (basis === 'remembered') probe = remembered?.probe ?? null;
  }

  const { name, failures } = await startFirst(order);
  // a remembered backend that no longer starts: decide afresh rather than run on a fallback of an old decision
  if (basis === 'remembered' && failures.length > 0) return chooseBackend({ ...options, remembered: null });
  const threads = wasmThreadsInUse();
  const fullWhy = failures.length === 0 ? why : `${why}, but ${failures.map((f) => `${f.name} did not start (${f.error})`).join(' and ')}`;
  const reason = reasonSentence(fullWhy, name, threads);
  return {
    name,
    reason,
    threads,
    skipped: [...skipped, ...failures],
    notice: backendNotice(name, failures, order[0]),
    basis,
    probe,
    remember: basis === 'remembered' && remembered !== null ? remembered : { fingerprint: fingerprintOf(facts), name, reason, probe },
  };
}
