/**
 * Fetching the files of a saved detector (model.json + weights.bin, src/model/weights_io.ts) and of the
 * pretrained backbone graph (backbone/centernet.json + .bin), with byte progress and errors that say what is
 * missing. Why not tf.io.http: a dev server or SPA host answers a missing model.json with its index.html (HTTP
 * 200), which tfjs reports as a JSON parse error; here that case reads "no model at <url>".
 *
 * URL rules: the default model and the backbone path stored in a model ('/backbone/centernet.json') are
 * resolved against `assetsBase`, so a host page can serve the assets from any folder or origin.
 */
import * as tf from '@tensorflow/tfjs';
import { concatBytes, modelArtifacts, parseModelJson, weightPaths, type ModelJson } from '../model/model_json';
import { DetectorError, errorMessage, type DetectorErrorCode } from './errors';

/** The model a detector loads when none is named: the BCCD (blood cells) model trained by `npm run train`. */
export const DEFAULT_MODEL_PATH = 'models/bccd/model.json';

/** The page's origin root: the app serves public/ there. */
export function defaultAssetsBase(): string {
  return new URL('/', globalThis.location?.href ?? 'http://localhost/').href;
}

/** An asset path resolved against the base; a root-relative path ('/backbone/x.json') counts as base-relative. */
export function resolveAssetUrl(path: string, assetsBase: string = defaultAssetsBase()): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path; // absolute URL, or indexeddb://, blob:, data:
  const base = assetsBase.endsWith('/') ? assetsBase : `${assetsBase}/`;
  return new URL(path.replace(/^\/+/, ''), new URL(base, globalThis.location?.href ?? 'http://localhost/')).href;
}

/** A URL the user typed (attribute or option): resolved against the page, like an <img src>. */
export function resolvePageUrl(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^https?:/i.test(url)) return url; // indexeddb://name
  return new URL(url, globalThis.document?.baseURI ?? globalThis.location?.href ?? 'http://localhost/').href;
}

export type ByteProgress = (fraction: number) => void;

/** The artifacts at `url` (a tfjs model.json and the weight files it lists); `what` names it in errors. */
export async function fetchArtifacts(url: string, what: 'model' | 'backbone', onProgress?: ByteProgress): Promise<tf.io.ModelArtifacts> {
  const missing: DetectorErrorCode = what === 'model' ? 'model-not-found' : 'backbone-not-found';
  const invalid: DetectorErrorCode = what === 'model' ? 'model-invalid' : missing;
  const text = await fetchJsonText(url, what, missing);
  let json: ModelJson;
  let paths: string[];
  try {
    json = parseModelJson(text, url, what);
    paths = weightPaths(json, url).map((path) => new URL(path, url).href);
  } catch (error) {
    throw new DetectorError(invalid, errorMessage(error), { cause: error });
  }
  return modelArtifacts(json, await fetchAll(paths, what, missing, onProgress));
}

/** A saved detector in this browser's IndexedDB ('indexeddb://name'). */
export async function loadStoredArtifacts(url: string): Promise<tf.io.ModelArtifacts> {
  const stored = await tf.io.listModels();
  if (!(url in stored)) throw new DetectorError('model-not-found', `no model stored as ${url} in this browser`);
  const handler = tf.io.getLoadHandlers(url)[0];
  if (handler?.load === undefined) throw new DetectorError('model-not-found', `no tfjs loader for ${url}`);
  return handler.load();
}

/** The text of the model.json at `url`; a missing file, or an HTML page in its place (a dev server's or SPA's), says so. */
async function fetchJsonText(url: string, what: string, missing: DetectorErrorCode): Promise<string> {
  const response = await fetchOrExplain(url, what, missing);
  const text = await response.text();
  if (/^\s*</.test(text)) {
    throw new DetectorError(missing, `no ${what} at ${url}: the server answered with an HTML page, not a model.json${hint(what)}`);
  }
  return text;
}

async function fetchOrExplain(url: string, what: string, missing: DetectorErrorCode): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new DetectorError(missing, `could not fetch the ${what} at ${url} (offline, or blocked by CORS): ${errorMessage(error)}`, { cause: error });
  }
  if (!response.ok) throw new DetectorError(missing, `no ${what} at ${url} (HTTP ${response.status})${hint(what)}`);
  return response;
}

function hint(what: string): string {
  return what === 'model'
    ? '. Train one with `npm run train -- --dataset <dir> --out public/models/<name>`, or set the model URL to a saved detector\'s model.json.'
    : '. Run `npm run prepare-assets` (it copies the backbone into public/backbone/), or set assets-base / backboneUrl.';
}

/** Every weight file, with progress over their total bytes (Content-Length when the server sends it). */
async function fetchAll(urls: readonly string[], what: string, missing: DetectorErrorCode, onProgress?: ByteProgress): Promise<ArrayBuffer[]> {
  const responses = await Promise.all(urls.map((url) => fetchOrExplain(url, what, missing)));
  const lengths = responses.map((r) => Number(r.headers.get('content-length')) || 0);
  const total = lengths.reduce((a, b) => a + b, 0);
  const received = urls.map(() => 0);
  const report = () => onProgress?.(total > 0 ? Math.min(1, received.reduce((a, b) => a + b, 0) / total) : 0);
  const buffers = await Promise.all(responses.map((response, i) => readBody(response, (bytes) => {
    received[i] = bytes;
    report();
  })));
  onProgress?.(1);
  return buffers;
}

async function readBody(response: Response, onBytes: (bytes: number) => void): Promise<ArrayBuffer> {
  if (response.body === null) return response.arrayBuffer();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
    onBytes(bytes);
  }
  return concatBytes(chunks);
}
