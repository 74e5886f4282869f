/** Entry of the detector page: build the page, start the best tfjs backend and say which one runs. */
import { selectBackend } from '../runtime/select_backend';
import { startApp } from './app';
import { byTestId } from './dom';

async function startBackend(): Promise<void> {
  const name = byTestId('backend.name');
  const notice = byTestId('backend.notice');
  try {
    const choice = await selectBackend();
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

const app = startApp();
void startBackend().then(() => app.backendReady());
