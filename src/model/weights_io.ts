/**
 * Save and load a detector in the tfjs weight format: a JSON part (class names, the whole DetectorConfig with
 * its box-regression normalization, the list of weights) plus one ArrayBuffer of float32 weights described by
 * weightSpecs. Any tfjs IOHandler works: 'indexeddb://name', 'downloads://name' (two files, name.json and
 * name.weights.bin), tf.io.browserFiles([json, bin]) for an upload, http URLs, or tf.io.fromMemory.
 *
 * Stored weights: every head weight ('head/<layer>/<kernel|bias|left|right>'), the backbone weights that have
 * ever been trainable ('backbone/<graph constant name>') and, for a model with an RPN (config.rpn), the RPN head's
 * ('rpn/<layer>/<kernel|bias>'). A model without an RPN is saved and read exactly as before. The frozen backbone is read again from the pretrained
 * graph the app serves, so a fc-only model stays small. The round trip is exact: float32 in, float32 out, and the
 * config is plain JSON numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { parseRpnSettings } from '../proposals/rpn/settings_json';
import { missingAfterWrite } from '../runtime/storage_errors';
import { Backbone } from './backbone';
import type { DetectorConfig, RpnConfig } from './defaults';
import { FastRcnnDetector, rpnHeadShape } from './detector';
import { RoiHead, type PoolFunction } from './heads';
import { modelArtifacts, parseModelJson, type ModelJson } from './model_json';
import { RPN_WEIGHT_PREFIX, RpnHead } from './rpn_head';

export const DETECTOR_FORMAT = 'frcnn-web-detector';
export const DETECTOR_FORMAT_VERSION = 1;

/** What modelTopology holds for a saved detector. */
export interface SavedDetectorTopology {
  readonly format: typeof DETECTOR_FORMAT;
  readonly version: number;
  /** The config, with non-finite numbers (deltaClampLog = Infinity) stored as null. */
  readonly config: DetectorConfig;
}

export interface LoadOptions {
  /** Where to read the pretrained backbone (default: the saved config's backbone.modelUrl). */
  readonly backboneSource?: string | tf.io.IOHandler;
  readonly pool?: PoolFunction;
}

/** The detector as tfjs ModelArtifacts (what every save handler receives). */
export async function detectorArtifacts(detector: FastRcnnDetector): Promise<tf.io.ModelArtifacts> {
  const named: { name: string; tensor: tf.Tensor }[] = [];
  for (const [name, tensor] of detector.head.weights()) named.push({ name: `head/${name}`, tensor });
  for (const [name, tensor] of detector.backbone.modifiableWeights()) named.push({ name: `backbone/${name}`, tensor });
  named.push(...(detector.rpn?.prefixedWeights() ?? []));
  const { data, specs } = await tf.io.encodeWeights(named);
  const topology: SavedDetectorTopology = { format: DETECTOR_FORMAT, version: DETECTOR_FORMAT_VERSION, config: encodeConfig(detector.config) };
  return { modelTopology: topology, weightSpecs: specs, weightData: data, format: DETECTOR_FORMAT, generatedBy: 'frcnn-web' };
}

/**
 * A saved detector as its two files, laid out as a tfjs http model so `loadDetector('<dir>/model.json')` reads it:
 * `model.json` ({format, generatedBy, modelTopology, weightsManifest}) and `weights.bin`. What the trainer sends,
 * the app stores and downloads, and the library's train() returns.
 */
export interface SavedModelFiles {
  readonly modelJson: string;
  readonly weights: ArrayBuffer;
}

/** The two files as in-memory ModelArtifacts (for detectorFromArtifacts, tf.io.fromMemory or a save handler). */
export function artifactsFromFiles(files: SavedModelFiles): tf.io.ModelArtifacts {
  return modelArtifacts(parseModelJson(files.modelJson, 'the model.json'), [files.weights]);
}

/** ModelArtifacts (one weight buffer) as the two files: the inverse of artifactsFromFiles. */
export function filesFromArtifacts(artifacts: tf.io.ModelArtifacts): SavedModelFiles {
  const json: ModelJson = {
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    modelTopology: artifacts.modelTopology as object,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
  };
  return { modelJson: JSON.stringify(json), weights: artifacts.weightData as ArrayBuffer };
}

/** Saves to a URL-like destination ('indexeddb://x', 'downloads://x', 'localstorage://x') or any handler. */
export async function saveDetector(detector: FastRcnnDetector, destination: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
  return saveArtifacts(await detectorArtifacts(detector), destination);
}

/** Saves a detector's artifacts (detectorArtifacts: here, or serialised in the detection worker) as saveDetector does. */
export async function saveArtifacts(artifacts: tf.io.ModelArtifacts, destination: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
  const handler = typeof destination === 'string' ? singleHandler(tf.io.getSaveHandlers(destination), destination) : destination;
  if (handler.save === undefined) throw new Error('this IOHandler cannot save');
  const result = await handler.save(artifacts);
  // tfjs's IndexedDB saver resolves before its transaction commits, so a commit the quota aborts passes as a success
  if (typeof destination === 'string' && destination.startsWith('indexeddb://') && !(destination in (await tf.io.listModels()))) {
    throw await missingAfterWrite(`the model “${destination}”`, result.modelArtifactsInfo.weightDataBytes ?? 0);
  }
  return result;
}

/** Loads from 'indexeddb://x', an http(s) URL of the JSON, the two uploaded files (json + bin), or any handler. */
export async function loadDetector(source: string | tf.io.IOHandler | readonly File[], options: LoadOptions = {}): Promise<FastRcnnDetector> {
  const handler = toLoadHandler(source);
  if (handler.load === undefined) throw new Error('this IOHandler cannot load');
  return detectorFromArtifacts(await handler.load(), options);
}

export async function detectorFromArtifacts(artifacts: tf.io.ModelArtifacts, options: LoadOptions = {}): Promise<FastRcnnDetector> {
  const topology = artifacts.modelTopology as Partial<SavedDetectorTopology> | undefined;
  if (topology?.format !== DETECTOR_FORMAT || topology.config === undefined) {
    throw new Error(`not a saved detector (format ${String(topology?.format ?? artifacts.format)}, expected ${DETECTOR_FORMAT})`);
  }
  if ((topology.version ?? 0) > DETECTOR_FORMAT_VERSION) throw new Error(`saved detector version ${topology.version} is newer than this code`);
  if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) throw new Error('the saved detector has no weights');
  const config = decodeConfig(topology.config);
  const decoded = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  let backbone: Backbone | undefined;
  let rpn: RpnHead | undefined;
  try {
    const rpnWeights = withPrefix(decoded, RPN_WEIGHT_PREFIX);
    if (config.rpn === undefined && rpnWeights.size > 0) {
      throw new Error(`the saved detector has RPN weights (${[...rpnWeights.keys()].join(', ')}) but its config has no rpn section`);
    }
    backbone = await Backbone.load(config.backbone, options.backboneSource ?? config.backbone.modelUrl);
    rpn = config.rpn && RpnHead.fromWeights(rpnHeadShape(config.rpn, config.head.reduceChannels ?? backbone.outputChannels), rpnWeights);
    backbone.assignWeights(withPrefix(decoded, 'backbone/'));
    const shape = { inChannels: backbone.outputChannels, numClasses: config.classNames.length, head: config.head };
    const head = RoiHead.fromWeights(shape, withPrefix(decoded, 'head/'), options.pool);
    return new FastRcnnDetector(config, backbone, head, rpn);
  } catch (error) {
    backbone?.dispose();
    rpn?.dispose();
    throw error;
  } finally {
    tf.dispose(Object.values(decoded));
  }
}

/** Names of the detectors stored in this browser's IndexedDB (the 'indexeddb://' part removed). */
export async function listStoredDetectors(): Promise<string[]> {
  const models = await tf.io.listModels();
  return Object.keys(models)
    .filter((url) => url.startsWith('indexeddb://'))
    .map((url) => url.slice('indexeddb://'.length));
}

function toLoadHandler(source: string | tf.io.IOHandler | readonly File[]): tf.io.IOHandler {
  if (Array.isArray(source)) return tf.io.browserFiles([...(source as readonly File[])]);
  if (typeof source === 'string') return singleHandler(tf.io.getLoadHandlers(source), source);
  return source as tf.io.IOHandler;
}

function singleHandler(handlers: tf.io.IOHandler[], url: string): tf.io.IOHandler {
  if (handlers.length === 0) throw new Error(`no tfjs IOHandler for ${url}`);
  return handlers[0];
}

function withPrefix(named: tf.NamedTensorMap, prefix: string): Map<string, tf.Tensor> {
  return new Map(Object.entries(named).filter(([name]) => name.startsWith(prefix)).map(([name, t]) => [name.slice(prefix.length), t]));
}

/** JSON has no Infinity: the one non-finite setting is stored as null. */
function encodeConfig(config: DetectorConfig): DetectorConfig {
  const clamp = config.detect.deltaClampLog;
  return JSON.parse(JSON.stringify({ ...config, detect: { ...config.detect, deltaClampLog: Number.isFinite(clamp) ? clamp : null } }));
}

function decodeConfig(config: DetectorConfig): DetectorConfig {
  const clamp = config.detect.deltaClampLog as number | null;
  const { rpn, ...rest } = config;
  return { ...rest, detect: { ...config.detect, deltaClampLog: clamp === null ? Infinity : clamp }, ...(rpn !== undefined && { rpn: decodeRpn(rpn) }) };
}

/** The rpn section of a saved model.json, every field checked (a damaged file fails here, not at detection). */
function decodeRpn(value: unknown): RpnConfig {
  const convChannels = (value as { convChannels?: unknown } | null)?.convChannels;
  if (!(typeof convChannels === 'number' && Number.isInteger(convChannels) && convChannels > 0)) {
    throw new Error(`model.json: rpn.convChannels must be a positive whole number, got ${JSON.stringify(convChannels) ?? 'nothing'}`);
  }
  return { ...parseRpnSettings(value, 'model.json'), convChannels };
}
