/**
 * The models the page knows: the default ones the app serves (models/index.json, always listed, read-only) and the
 * ones saved in this browser (IndexedDB through tfjs, 'indexeddb://<name>'). Everything here works on the saved
 * files (tfjs ModelArtifacts in src/model/weights_io.ts's format), so listing, saving, downloading, uploading and
 * deleting never load a network (the library's createDetector loads the one in use: fast_rcnn_service.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { artifactsFromFiles, DETECTOR_FORMAT, type SavedDetectorTopology } from '../../model/weights_io';

/** The one converter of saved files to artifacts lives in model/weights_io.ts; re-exported for the Train tab's preview. */
export { artifactsFromFiles } from '../../model/weights_io';
import type { ModelFiles } from '../../training/protocol';
import { MODEL_NAME, modelNameFromFile } from './model_names';
import { missingAfterWrite } from '../../runtime/storage_errors';
import { resolvePageUrl } from '../../api/model_files';
import { parseDomainStatistics, type DomainStatistics } from '../../data/image_statistics';

export type ModelSource = 'default' | 'browser';

/** Where a model came from, for the Detect tab's picker (model_provenance.ts words it). */
export type ModelOrigin =
  | { readonly kind: 'shipped'; readonly dataset: string; readonly images: number; readonly testMAP: number | null; readonly testImages: number | null }
  | { readonly kind: 'trained'; readonly images: number | null; readonly heldOutMAP: number | null; readonly heldOutImages: number | null }
  | { readonly kind: 'uploaded'; readonly file: string }
  | { readonly kind: 'copy'; readonly of: string }
  | { readonly kind: 'unknown' };

export interface ModelInfo {
  /** 'default:<name>' or 'browser:<name>'. */
  readonly id: string;
  readonly name: string;
  readonly source: ModelSource;
  /** What tfjs loads: the URL of a default model's JSON, or 'indexeddb://<name>'. */
  readonly url: string;
  readonly description: string;
  readonly classNames: readonly string[] | null;
  readonly savedAt: string | null;
  readonly bytes: number | null;
  readonly origin: ModelOrigin;
  /** The training photos' colour statistics, when the model carries them (the shipped ones do). */
  readonly imageStatistics: DomainStatistics | null;
}

interface ManifestEntry {
  name: string; path: string; description?: string; classNames?: string[];
  trainedOn?: { dataset?: string; images?: number }; testMAP?: number; testImages?: number; imageStatistics?: unknown;
}

interface DefaultManifest {
  readonly models?: readonly ManifestEntry[];
}

const META_KEY = 'frcnn-model-meta:';

/** An uploaded model, read and checked, not yet saved: its name comes from its JSON file's. */
export interface UploadedModel {
  readonly name: string;
  readonly file: string;
  readonly artifacts: tf.io.ModelArtifacts;
}

interface BrowserMeta {
  readonly classNames: readonly string[];
  readonly description: string;
  /** Absent for models saved before it was recorded. */
  readonly origin?: ModelOrigin;
  /** The training photos' colour statistics (a model trained here), when they were measured. */
  readonly imageStatistics?: DomainStatistics;
}

export class ModelRegistry {
  constructor(private readonly base: string = import.meta.env.BASE_URL) {}

  async list(): Promise<ModelInfo[]> {
    return [...(await this.defaults()), ...(await this.browserModels())];
  }

  async defaults(): Promise<ModelInfo[]> {
    const manifest = (await this.fetchJson<DefaultManifest>('models/index.json')) ?? { models: await this.conventionalDefaults() };
    return (manifest.models ?? []).map((m: ManifestEntry): ModelInfo => ({
      id: `default:${m.name}`, name: m.name, source: 'default', url: `${this.base}models/${m.path}`,
      description: m.description ?? 'Default model', classNames: m.classNames ?? null, savedAt: null, bytes: null,
      origin: m.trainedOn?.dataset && m.trainedOn.images
        ? { kind: 'shipped', dataset: m.trainedOn.dataset, images: m.trainedOn.images, testMAP: m.testMAP ?? null, testImages: m.testImages ?? null }
        : { kind: 'unknown' },
      imageStatistics: parseDomainStatistics(m.imageStatistics, `models/index.json, model “${m.name}”`),
    }));
  }

  /** Without models/index.json: the defaults at the paths the library uses (src/api/model_files.ts), if served. */
  private async conventionalDefaults(): Promise<{ name: string; path: string; description: string; classNames?: string[] }[]> {
    const candidates = [
      { name: 'bccd', path: 'bccd/model.json', description: 'Default: blood cells (BCCD)' },
      { name: 'raccoon', path: 'raccoon/model.json', description: 'Default: raccoons' },
    ];
    const found = await Promise.all(candidates.map(async (c) => {
      const json = await this.fetchJson<{ modelTopology?: Partial<SavedDetectorTopology> }>(`models/${c.path}`);
      return json?.modelTopology?.format === DETECTOR_FORMAT ? { ...c, classNames: [...(json.modelTopology.config?.classNames ?? [])] } : null;
    }));
    return found.filter((c) => c !== null);
  }

  /** JSON at a path under the app's base, or null (a dev server answers a missing file with index.html). */
  private async fetchJson<T>(path: string): Promise<T | null> {
    try {
      const response = await fetch(`${this.base}${path}`);
      if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return null;
      return (await response.json()) as T;
    } catch {
      return null;
    }
  }

  private async browserModels(): Promise<ModelInfo[]> {
    let models: Record<string, tf.io.ModelArtifactsInfo>;
    try {
      models = await tf.io.listModels();
    } catch {
      return [];
    }
    return Object.entries(models)
      .filter(([url]) => url.startsWith('indexeddb://'))
      .map(([url, info]) => {
        const name = url.slice('indexeddb://'.length);
        const meta = readMeta(name);
        return {
          id: `browser:${name}`, name, source: 'browser' as const, url, description: meta?.description ?? 'Saved in this browser',
          classNames: meta?.classNames ?? null, savedAt: new Date(info.dateSaved).toISOString(),
          bytes: (info.modelTopologyBytes ?? 0) + (info.weightDataBytes ?? 0),
          origin: meta?.origin ?? { kind: 'unknown' }, imageStatistics: savedStatistics(meta, name),
        };
      })
      .sort((a, b) => (b.savedAt ?? '').localeCompare(a.savedAt ?? ''));
  }

  /** Saves model files (e.g. from the trainer) in this browser under `name`, replacing a model of that name. */
  async saveFiles(files: ModelFiles, name: string, description: string, origin: ModelOrigin = { kind: 'unknown' }, imageStatistics: DomainStatistics | null = null): Promise<ModelInfo> {
    return this.saveArtifacts(artifactsFromFiles(files), name, description, origin, imageStatistics);
  }

  /** Copies any model (a default one too) into this browser under a new name. */
  async copy(info: ModelInfo, name: string): Promise<ModelInfo> {
    return this.saveArtifacts(await this.artifacts(info), name, `Copy of ${info.name}`, { kind: 'copy', of: info.name });
  }

  /** Two files, <name>.json and <name>.weights.bin, to the user's downloads. */
  async download(info: ModelInfo): Promise<void> {
    await saveTo(`downloads://${info.name}`, await this.artifacts(info));
  }

  /** Reads an uploaded model (its JSON and weights files) and checks it; `saveUpload` stores it. */
  async readUpload(files: readonly File[]): Promise<UploadedModel> {
    const json = files.find((f) => f.name.toLowerCase().endsWith('.json'));
    const weights = files.filter((f) => f !== json);
    if (!json || weights.length === 0) throw new Error('choose the model’s .json file and its weights (.bin) file together');
    let artifacts: tf.io.ModelArtifacts;
    try {
      artifacts = await tf.io.browserFiles([json, ...weights]).load!();
      checkWeightBytes(artifacts);
    } catch (error) {
      throw new Error(`these files are not a model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return { name: modelNameFromFile(json.name), file: json.name, artifacts };
  }

  /** Saves a read upload in this browser under `name`, replacing a saved model of that name. */
  async saveUpload(upload: UploadedModel, name: string): Promise<ModelInfo> {
    return this.saveArtifacts(upload.artifacts, name, `Uploaded from ${upload.file}`, { kind: 'uploaded', file: upload.file });
  }

  async remove(info: ModelInfo): Promise<void> {
    if (info.source !== 'browser') throw new Error('default models cannot be deleted');
    await tf.io.removeModel(info.url);
    localStorage.removeItem(META_KEY + info.name);
  }

  private async artifacts(info: ModelInfo): Promise<tf.io.ModelArtifacts> {
    const handler = tf.io.getLoadHandlers(resolvePageUrl(info.url))[0];
    if (!handler?.load) throw new Error(`cannot read ${info.url}`);
    return handler.load();
  }

  private async saveArtifacts(artifacts: tf.io.ModelArtifacts, name: string, description: string, origin: ModelOrigin, imageStatistics: DomainStatistics | null = null): Promise<ModelInfo> {
    if (!MODEL_NAME.test(name)) throw new Error('a model name uses letters, digits, spaces, dots, dashes, underscores and parentheses (at most 60)');
    const topology = artifacts.modelTopology as Partial<SavedDetectorTopology> | undefined;
    if (topology?.format !== DETECTOR_FORMAT || !topology.config) throw new Error(`not a saved detector (expected format ${DETECTOR_FORMAT})`);
    await saveTo(`indexeddb://${name}`, artifacts);
    const meta: BrowserMeta = { classNames: topology.config.classNames, description, origin, ...(imageStatistics ? { imageStatistics } : {}) };
    localStorage.setItem(META_KEY + name, JSON.stringify(meta));
    const saved = (await this.browserModels()).find((m) => m.name === name);
    if (!saved) {
      localStorage.removeItem(META_KEY + name);
      throw await missingAfterWrite(`the model “${name}”`, storedBytes(artifacts));
    }
    return saved;
  }
}

async function saveTo(url: string, artifacts: tf.io.ModelArtifacts): Promise<void> {
  const handler = tf.io.getSaveHandlers(url)[0];
  if (!handler?.save) throw new Error(`cannot save to ${url}`);
  await handler.save(artifacts);
}

/** A saved model's training statistics; a damaged entry counts as none (the hint then uses the scores alone). */
function savedStatistics(meta: BrowserMeta | null, name: string): DomainStatistics | null {
  try {
    return parseDomainStatistics(meta?.imageStatistics, `the saved model “${name}”`);
  } catch {
    return null;
  }
}

function readMeta(name: string): BrowserMeta | null {
  try {
    const text = localStorage.getItem(META_KEY + name);
    return text ? (JSON.parse(text) as BrowserMeta) : null;
  } catch {
    return null;
  }
}

/** About what the saved model takes in IndexedDB: its JSON plus its weights. */
function storedBytes(artifacts: tf.io.ModelArtifacts): number {
  const info = tf.io.getModelArtifactsInfoForJSON(artifacts);
  return (info.modelTopologyBytes ?? 0) + (info.weightDataBytes ?? 0);
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/**
 * The weights file must hold exactly what the manifest describes: tfjs reads a file cut short (or another model's)
 * without complaint and only fails when the model is built, so an upload is checked before it is stored.
 */
function checkWeightBytes(artifacts: tf.io.ModelArtifacts): void {
  const specs = artifacts.weightSpecs ?? [];
  let expected = 0;
  for (const spec of specs) {
    const bytes = DTYPE_BYTES[spec.quantization?.dtype ?? spec.dtype];
    if (bytes === undefined) return; // string weights: sizes are not in the manifest
    expected += spec.shape.reduce((n, d) => n * d, 1) * bytes;
  }
  const actual = tf.io.getModelArtifactsInfoForJSON(artifacts).weightDataBytes ?? 0;
  if (actual !== expected) throw new Error(`the weights file holds ${actual} bytes but the model describes ${expected}: it is damaged or belongs to another model`);
}
