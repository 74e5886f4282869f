/** Entry of the detector page: build the page, start the best tfjs backend and say which one runs. */
import { onBackendRestart, watchDevice } from '../runtime/device_loss';
import { DEFAULT_BACKEND_ORDER, selectBackend, type BackendChoice, type BackendName } from '../runtime/select_backend';
import { useBackend } from '../training/backends';
import { startApp } from './app';
import { byTestId } from './dom';

/**
 * `?backend=wasm|webgpu|webgl|cpu` asks for one backend (wasm: tfjs's WebAssembly backend, the fastest on a machine
 * without a GPU; the page's tests use it). Without it: WebGPU, then WebGL, then the CPU.
 */
async function chooseBackend(): Promise<BackendChoice> {
  const requested = new URLSearchParams(location.search).get('backend');
  if (requested === 'wasm') {
    await useBackend('wasm');
    return { name: 'wasm' as BackendName, skipped: [], notice: null };
  }
  const order = DEFAULT_BACKEND_ORDER.includes(requested as BackendName) ? [requested as BackendName] : DEFAULT_BACKEND_ORDER;
  return selectBackend(order);
}

async function startBackend(): Promise<void> {
  const name = byTestId('backend.name');
  const notice = byTestId('backend.notice');
  try {
    const choice = await chooseBackend();
    watchDevice();
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
