/**
 * The page's backend area: which tfjs backend runs and why, a select to switch, and "Measure again". The choice
 * itself is the library's (src/api/backend.ts → src/runtime/select_backend.ts); this file adds what only a page
 * has: the address (`?backend=`, `?measure`) and localStorage, where the automatic choice is remembered per browser
 * so that the probe runs once, not at every visit.
 */
import { BACKEND_NAMES, type BackendName, type RememberedBackend } from '../runtime/backend_decision';
import type { BackendChoice } from '../runtime/select_backend';
import type { BackendPreference } from '../api/types';
import { byTestId } from './dom';

export const REMEMBERED_BACKEND_KEY = 'frcnn.backend.remembered';

/** What the address asks for: `?backend=wasm|webgpu|webgl|cpu|auto` (tests use it) and `?measure` (probe again). */
export function backendRequest(search: string): { readonly preference: BackendPreference; readonly measure: boolean } {
  const params = new URLSearchParams(search);
  const requested = params.get('backend');
  const named = BACKEND_NAMES.includes(requested as BackendName);
  return { preference: named ? (requested as BackendName) : 'auto', measure: params.has('measure') };
}

/** The stored automatic choice, or null when there is none or it is not one (storage blocked, an old format). */
export function readRemembered(storage: Pick<Storage, 'getItem'> | null = safeStorage()): RememberedBackend | null {
  try {
    const value: unknown = JSON.parse(storage?.getItem(REMEMBERED_BACKEND_KEY) ?? 'null');
    if (typeof value !== 'object' || value === null) return null;
    const { fingerprint, name, reason, probe } = value as Record<string, unknown>;
    if (typeof fingerprint !== 'string' || typeof reason !== 'string' || !BACKEND_NAMES.includes(name as BackendName)) return null;
    return { fingerprint, name: name as BackendName, reason, probe: Array.isArray(probe) ? probe : null };
  } catch {
    return null;
  }
}

/** Stores what the choice says to remember (an automatic choice); a full or blocked storage only costs a probe next time. */
export function storeRemembered(choice: Pick<BackendChoice, 'remember'>, storage: Pick<Storage, 'setItem'> | null = safeStorage()): void {
  if (choice.remember === null) return;
  try {
    storage?.setItem(REMEMBERED_BACKEND_KEY, JSON.stringify(choice.remember));
  } catch {
    // quota or privacy mode: nothing to do
  }
}

export function forgetRemembered(storage: Pick<Storage, 'removeItem'> | null = safeStorage()): void {
  try {
    storage?.removeItem(REMEMBERED_BACKEND_KEY);
  } catch {
    // blocked storage holds nothing to forget
  }
}

function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // a sandboxed frame throws on access
  }
}

/** The address with `?backend=` set to `value` ('auto': removed) and `?measure` when asked. */
export function addressFor(href: string, value: BackendName | 'auto', measure = false): string {
  const url = new URL(href);
  if (value === 'auto') url.searchParams.delete('backend');
  else url.searchParams.set('backend', value);
  if (measure) url.searchParams.set('measure', '1');
  else url.searchParams.delete('measure');
  return url.toString();
}

/** Shows the running backend, the reason and any warning; marks the select with what the address asked for. */
export function showBackendChoice(choice: Pick<BackendChoice, 'name' | 'reason' | 'notice'>, requested: BackendPreference): void {
  byTestId('backend.name').textContent = choice.name;
  document.documentElement.dataset.backend = choice.name;
  byTestId('backend.reason').textContent = sentence(choice.reason);
  byTestId<HTMLSelectElement>('backend.select').value = typeof requested === 'string' && requested !== 'keep' ? requested : 'auto';
  if (choice.notice) showBackendNotice(choice.notice);
}

export function showBackendNotice(text: string): void {
  const notice = byTestId('backend.notice');
  notice.textContent = text;
  notice.hidden = false;
}

/** "the WebGPU adapter is … : using wasm" → "Why: the WebGPU adapter is …: using wasm." */
function sentence(reason: string): string {
  const text = reason.charAt(0).toUpperCase() + reason.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * Switching reloads the page with the new `?backend=`: tfjs has one backend per page and the loaded weights live on
 * it, so a fresh page is the simple, safe way. "Measure again" forgets the remembered choice and probes.
 */
export function wireBackendControls(location: Pick<Location, 'href' | 'assign'> = window.location): void {
  const select = byTestId<HTMLSelectElement>('backend.select');
  select.addEventListener('change', () => location.assign(addressFor(location.href, select.value as BackendName | 'auto')));
  byTestId('backend.measure').addEventListener('click', () => {
    forgetRemembered();
    location.assign(addressFor(location.href, 'auto', true));
  });
}
