/**
 * The Models tab's behaviour: the list of models, which one detects, and the list operations. The choice is
 * remembered in localStorage, so the page opens with the model the user last used (else the first default one).
 */
import type { ModelFiles } from '../../training/protocol';
import type { StatusLine } from '../status';
import { Store } from '../state/store';
import type { FastRcnnService } from './fast_rcnn_service';
import { keepBothName } from './model_names';
import type { ModelInfo, ModelOrigin, ModelRegistry } from './model_registry';
import type { DomainStatistics } from '../../data/image_statistics';
import { isQuotaError, storageErrorMessage } from '../../runtime/storage_errors';

const ACTIVE_KEY = 'frcnn-active-model';

/** How an upload whose name is taken is saved: over the old model, beside it under a new name, or not at all. */
export type NameConflictChoice = 'replace' | 'keep-both' | 'cancel';

/** An upload waiting for the user: its name is taken (`canReplace`: only models saved in this browser can be). */
export interface NameConflict {
  readonly name: string;
  readonly keepBothName: string;
  readonly canReplace: boolean;
}

export interface ModelsState {
  readonly models: readonly ModelInfo[];
  readonly activeId: string | null;
  readonly busy: string | null;
  readonly conflict: NameConflict | null;
}

export class ModelsController {
  readonly store = new Store<ModelsState>({ models: [], activeId: null, busy: null, conflict: null });
  private answerConflict: ((choice: NameConflictChoice) => void) | null = null;

  constructor(
    readonly registry: ModelRegistry,
    readonly service: FastRcnnService,
    private readonly status: StatusLine,
  ) {}

  async refresh(): Promise<readonly ModelInfo[]> {
    const models = await this.registry.list();
    this.store.set({ models });
    return models;
  }

  /** Startup: list the models and load the remembered or first one (none with ?model=none, e.g. for drawing tests). */
  async start(): Promise<void> {
    const models = await this.refresh();
    if (new URLSearchParams(location.search).get('model') === 'none') {
      this.service.setUnavailable('No model loaded (the page was opened with ?model=none). Choose one in Models.');
      return;
    }
    const remembered = localStorage.getItem(ACTIVE_KEY);
    const chosen = models.find((m) => m.id === remembered) ?? models.find((m) => m.source === 'default') ?? models[0];
    if (!chosen) {
      this.service.setUnavailable('No model yet: fine-tune one in the Fine-tune tab, or upload one in Models.');
      return;
    }
    await this.use(chosen);
  }

  async use(info: ModelInfo): Promise<void> {
    this.store.set({ activeId: info.id });
    localStorage.setItem(ACTIVE_KEY, info.id);
    await this.service.use(info);
    if (this.service.status().state === 'error') this.status.error(`The model “${info.name}” ${this.service.status().message}`);
  }

  /** Saves trained files in this browser and (optionally) detects with them from now on. */
  async saveFiles(files: ModelFiles, name: string, description: string, activate: boolean, origin?: ModelOrigin, imageStatistics?: DomainStatistics | null): Promise<ModelInfo | null> {
    return this.run(`Saving “${name}”…`, async () => {
      const info = await this.registry.saveFiles(files, name, description, origin, imageStatistics);
      await this.refresh();
      this.status.info(`Saved the model “${name}” in this browser.`);
      if (activate) await this.use(info);
      return info;
    });
  }

  /** A copy of the model in use under `name` (a taken name asks, as an upload does). */
  async saveActiveAs(name: string): Promise<void> {
    const active = this.store.get().models.find((m) => m.id === this.store.get().activeId);
    if (!active) return this.status.error('No model is in use to save.');
    const chosen = await this.chooseName(name, 'copy');
    if (!chosen) return;
    await this.run(`Saving “${chosen.name}”…`, async () => {
      await this.registry.copy(active, chosen.name);
      await this.refresh();
      this.status.info(`Saved a copy of “${active.name}” as “${chosen.name}”${chosen.replaces ? ', replacing the model of that name' : ''}.`);
    });
  }

  async download(info: ModelInfo): Promise<void> {
    await this.run(`Preparing “${info.name}” for download…`, async () => {
      await this.registry.download(info);
      this.status.info(`Downloaded “${info.name}” as ${info.name}.json and ${info.name}.weights.bin.`);
    });
  }

  /** Reads and saves an upload; when its name is taken, the user chooses replace or keep both (never a silent overwrite). */
  async upload(files: readonly File[]): Promise<void> {
    const upload = await this.run('Reading the uploaded model…', () => this.registry.readUpload(files));
    if (!upload) return;
    const chosen = await this.chooseName(upload.name, 'upload');
    if (!chosen) return;
    const { name, replaces } = chosen;
    await this.run(`Saving “${name}”…`, async () => {
      const info = await this.registry.saveUpload(upload, name);
      await this.refresh();
      this.status.info(replaces ? `Replaced “${name}” with the uploaded model; it is saved in this browser.`
        : `Uploaded “${name}”${name === upload.name ? '' : ` (“${upload.name}” already existed)`}; it is saved in this browser.`);
      // the model in use was replaced: detect with the new weights from now on
      if (replaces && this.store.get().activeId === info.id) await this.use(info);
    });
  }

  /** The name to save under: `name` when free, else the user's choice (replace, keep both), or null (cancelled). */
  private async chooseName(name: string, what: 'upload' | 'copy'): Promise<{ name: string; replaces: boolean } | null> {
    const models = await this.refresh();
    const existing = models.filter((m) => m.name === name);
    if (existing.length === 0) return { name, replaces: false };
    const conflict = { name, keepBothName: keepBothName(name, new Set(models.map((m) => m.name))), canReplace: existing.every((m) => m.source === 'browser') };
    this.status.info(`A model named “${name}” already exists: replace it or keep both.`);
    const choice = await this.askConflict(conflict);
    if (choice === 'cancel' || (choice === 'replace' && !conflict.canReplace)) {
      this.status.info(`The ${what} of “${name}” was cancelled; nothing changed.`);
      return null;
    }
    return choice === 'keep-both' ? { name: conflict.keepBothName, replaces: false } : { name, replaces: true };
  }

  /** The user's answer to the pending name conflict (the Models tab's buttons). */
  resolveConflict(choice: NameConflictChoice): void {
    const answer = this.answerConflict;
    this.answerConflict = null;
    this.store.set({ conflict: null });
    answer?.(choice);
  }

  private askConflict(conflict: NameConflict): Promise<NameConflictChoice> {
    this.answerConflict?.('cancel'); // a newer upload replaces a question left open
    return new Promise((resolve) => {
      this.answerConflict = resolve;
      this.store.set({ conflict });
    });
  }

  async remove(info: ModelInfo): Promise<void> {
    await this.run(`Deleting “${info.name}”…`, async () => {
      await this.registry.remove(info);
      const models = await this.refresh();
      this.status.info(`Deleted “${info.name}”.`);
      if (this.store.get().activeId === info.id) {
        const next = models.find((m) => m.source === 'default') ?? models[0];
        if (next) await this.use(next);
        else {
          this.store.set({ activeId: null });
          localStorage.removeItem(ACTIVE_KEY);
          this.service.setUnavailable('No model yet: fine-tune one in the Fine-tune tab, or upload one in Models.');
        }
      }
    });
  }

  private async run<T>(busy: string, work: () => Promise<T>): Promise<T | null> {
    this.store.set({ busy });
    this.status.busy(busy);
    try {
      return await work();
    } catch (error) {
      const message = isQuotaError(error) ? `The model could not be stored: ${storageErrorMessage(error)}.` : error instanceof Error ? error.message : String(error);
      this.status.error(message.replace(/^./, (c) => c.toUpperCase()));
      return null;
    } finally {
      this.store.set({ busy: null });
    }
  }
}
