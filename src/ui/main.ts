/** Entry of the detector page: build the page, start the best tfjs backend and say which one runs. */
import { ensureBackend } from '../api/backend';
import { onBackendRestart } from '../runtime/device_loss';
import { DEFAULT_BACKEND_ORDER, type BackendChoice, type BackendName } from '../runtime/select_backend';
import { useBackend } from '../training/backends';
import { startApp } from './app';
import { byTestId } from './dom';

/**
 * `?backend=wasm|webgpu|webgl|cpu` asks for one backend (wasm: tfjs's WebAssembly backend, the fastest on a machine
 * without a GPU; the page's tests use it). Without it: WebGPU, then WebGL, then the CPU. Chosen through the library
 * (src/api/backend.ts), whose detectors the page uses: they keep this backend and restart it after a lost GPU.
 */
async function chooseBackend(): Promise<BackendChoice> {
  const requested = new URLSearchParams(location.search).get('backend');
  if (requested === 'wasm') {
    await useBackend('wasm');
    return ensureBackend('keep');
  }
  return ensureBackend(DEFAULT_BACKEND_ORDER.includes(requested as BackendName) ? [requested as BackendName] : 'auto');
}

async function startBackend(): Promise<void> {
  const name = byTestId('backend.name');
  const notice = byTestId('backend.notice');
  try {
    const choice = await chooseBackend();
    name.textContent = choice.name;
    document.documentElement.dataset.backend = choice.name;
    if (choice.notice) {
      notice.textContent = choice.notice;
      notice.hidden = false;
    }
  } catch (error) {
    name.textContent = 'none';
    notice.textContent = `The detector cannot run in this browser: ${error instanceof Error ? error.message : String(error)}`;
    notice.hidden = false;
  }
}

/** A lost GPU device restarted the backend (src/runtime/device_loss.ts): say so, and where the detector runs now. */
onBackendRestart((restart) => {
  byTestId('backend.name').textContent = restart.name;
  document.documentElement.dataset.backend = restart.name;
  const notice = byTestId('backend.notice');
  notice.textContent = restart.recoveryNotice;
  notice.hidden = false;
});

const app = startApp();
void startBackend().then(() => app.backendReady());
