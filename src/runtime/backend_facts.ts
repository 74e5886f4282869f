/**
 * What this browser's GPU APIs say they are, gathered without the DOM so that it also runs in a Web Worker:
 * the WebGPU adapter's info and fallback flag (navigator.gpu, also on WorkerNavigator), the WebGL renderer through
 * an OffscreenCanvas and WEBGL_debug_renderer_info, and wasm's thread count. Nothing here starts a tfjs backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { BackendFacts, GpuFacts, WasmFacts } from './backend_decision';
import { expectedWasmThreads } from './wasm_backend';

const UNMASKED_RENDERER_WEBGL = 0x9246; // WEBGL_debug_renderer_info.UNMASKED_RENDERER_WEBGL

/** The facts planBackend (backend_decision.ts) decides from. */
export async function gatherBackendFacts(): Promise<BackendFacts> {
  const nav = (globalThis as { navigator?: { userAgent?: string; hardwareConcurrency?: number } }).navigator;
  const [webgpu, webgl] = await Promise.all([webgpuFacts(), Promise.resolve(webglFacts())]);
  return { webgpu, webgl, wasm: wasmFacts(), userAgent: nav?.userAgent ?? '', cores: nav?.hardwareConcurrency ?? 0 };
}

function missing(error: string, name = ''): GpuFacts {
  return { available: false, name, fallback: false, error };
}

/** Adapter info as one name: "google / swiftshader / … / SwiftShader Device (Subzero)". */
export function adapterName(info: Partial<Record<'vendor' | 'architecture' | 'device' | 'description', string>> | undefined): string {
  if (!info) return '';
  return [info.vendor, info.architecture, info.device, info.description].filter((part) => part && part.trim() !== '').join(' / ');
}

async function webgpuFacts(): Promise<GpuFacts> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  // tfjs registers 'webgpu' only when navigator.gpu existed when it loaded
  if (!gpu || tf.findBackendFactory('webgpu') == null) return missing('navigator.gpu is missing');
  try {
    // the same request tfjs makes (tfjs-backend-webgpu/dist/base.js), so this is the adapter it would run on
    const adapter = await gpu.requestAdapter({ powerPreference: tf.env().get('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance' });
    if (!adapter) return missing('the browser gave no adapter: blocklisted or disabled');
    type Info = GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const legacy = adapter as unknown as { requestAdapterInfo?: () => Promise<Info> };
    const info: Info | undefined = 'info' in adapter ? (adapter.info as Info) : await legacy.requestAdapterInfo?.();
    // Chrome 130+ moved the flag from the adapter to its info
    const fallback = info?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
    return { available: true, name: adapterName(info), fallback, error: null };
  } catch (error) {
    return missing(`requesting a WebGPU adapter failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function webglFacts(): GpuFacts {
  if (tf.findBackendFactory('webgl') == null) return missing('the webgl backend is not registered');
  if (typeof OffscreenCanvas === 'undefined') return missing('OffscreenCanvas is missing, so WebGL could not be checked');
  try {
    // tfjs asks for failIfMajorPerformanceCaveat: a browser that only offers a slow (software) WebGL refuses it
    const strict = rendererOf({ failIfMajorPerformanceCaveat: true });
    if (strict !== null) return { available: true, name: strict, fallback: false, error: null };
    const relaxed = rendererOf({});
    if (relaxed === null) return missing('the browser gave no context: blocklisted or disabled');
    return missing(`only with a major performance caveat, which tfjs refuses: ${relaxed}`, relaxed);
  } catch (error) {
    return missing(`creating a WebGL context failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The renderer's name from a throw-away context (lost at once, so the browser's context limit is not touched). */
function rendererOf(attributes: WebGLContextAttributes): string | null {
  const canvas = new OffscreenCanvas(1, 1);
  const gl = (canvas.getContext('webgl2', attributes) ?? canvas.getContext('webgl', attributes)) as WebGLRenderingContext | null;
  if (gl === null) return null;
  try {
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(debug ? UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

function wasmFacts(): WasmFacts {
  if (typeof WebAssembly !== 'object') return { available: false, threads: 0, error: 'this browser has no WebAssembly' };
  if (tf.findBackendFactory('wasm') == null) return { available: false, threads: 0, error: 'the wasm backend is not registered' };
  return { available: true, threads: expectedWasmThreads(), error: null };
}
