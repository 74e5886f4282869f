/**
 * The trained detector as two files in the model engineer's format (src/model/weights_io.ts), laid out as a tfjs
 * http model so `loadDetector('<dir>/model.json')` reads it: `model.json` ({modelTopology: {format, version,
 * config}, weightsManifest}) and `weights.bin`. Only the trained layers are stored (fc-only: the head); the frozen
 * backbone comes from the npm package. fc6/fc7 can be stored as truncated-SVD factors (paper §3.1).
 */
import * as tf from '@tensorflow/tfjs';
import type { Backbone } from '../model/backbone';
import type { DetectorConfig, DetectOptions, BboxNormalization, RpnConfig, ScaleConfig } from '../model/defaults';
import { FastRcnnDetector } from '../model/detector';
import { RoiHead, type HeadShape } from '../model/heads';
import { isRpnWeightName, RpnHead } from '../model/rpn_head';
import { artifactsFromFiles, DETECTOR_FORMAT, detectorArtifacts, filesFromArtifacts, type SavedDetectorTopology } from '../model/weights_io';
import { assertFiniteParams } from './nan_guard';
import type { ModelFiles } from './protocol';

export interface ExportSettings {
  readonly classNames: readonly string[];
  readonly input: ScaleConfig;
  readonly bboxNormalization: BboxNormalization;
  readonly detect: DetectOptions;
  readonly svdRanks: { readonly fc6: number | null; readonly fc7: number | null };
  /** The RPN's section, when `rpn` is given to exportModelFiles. */
  readonly rpn?: RpnConfig;
}

/**
 * Copies the head (training goes on with the original), compresses the copy if asked, encodes both files. `rpn`:
 * the RPN trained with it (settings.rpn then describes it), stored beside the head.
 */
export async function exportModelFiles(head: RoiHead, backbone: Backbone, settings: ExportSettings, rpn?: RpnHead): Promise<ModelFiles> {
  const backboneParams = [...backbone.modifiableWeights()].map(([name, variable]) => ({ name: `backbone/${name}`, variable, isBias: false }));
  await assertFiniteParams([...head.parameters(), ...backboneParams, ...(rpn?.parameters() ?? [])]);
  const copy = RoiHead.fromWeights(head.shape, head.weights());
  const rpnCopy = rpn && RpnHead.fromWeights(rpn.shape, rpn.weights());
  const detector = new FastRcnnDetector(settings, backbone, copy, rpnCopy);
  try {
    await detector.compress(settings.svdRanks);
    return filesFromArtifacts(await detectorArtifacts(detector));
  } finally {
    detector.head.dispose();
    rpnCopy?.dispose();
  }
}

/**
 * The saved model's files with this RPN added (its config section and 'rpn/' weights, in place of any it had):
 * every other weight is copied as saved (float32 decoded and encoded again: the same bytes), the config is
 * untouched apart from `rpn`. What an RPN-only job (protocol.ts rpnOnly) writes.
 */
export async function withRpnFiles(files: ModelFiles, rpnConfig: RpnConfig, rpn: RpnHead): Promise<ModelFiles> {
  await assertFiniteParams(rpn.parameters());
  const artifacts = artifactsFromFiles(files);
  const topology = artifacts.modelTopology as SavedDetectorTopology;
  if (topology?.format !== DETECTOR_FORMAT) throw new Error(`not a saved detector (expected format ${DETECTOR_FORMAT})`);
  const decoded = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  try {
    const named = Object.entries(decoded).filter(([name]) => !isRpnWeightName(name)).map(([name, tensor]) => ({ name, tensor }));
    named.push(...rpn.prefixedWeights());
    const { data, specs } = await tf.io.encodeWeights(named);
    const config = JSON.parse(JSON.stringify({ ...topology.config, rpn: rpnConfig })) as DetectorConfig;
    return filesFromArtifacts({ ...artifacts, modelTopology: { ...topology, config }, weightSpecs: specs, weightData: data });
  } finally {
    tf.dispose(Object.values(decoded));
  }
}

/** The config and a head holding the saved weights (no backbone is loaded). */
export function importHead(files: ModelFiles, inChannels: number): { config: DetectorConfig; head: RoiHead } {
  const config = savedConfig(files);
  const decoded = tf.io.decodeWeights(files.weights, artifactsFromFiles(files).weightSpecs!);
  const weights = new Map(Object.entries(decoded).filter(([name]) => name.startsWith('head/')).map(([name, t]) => [name.slice(5), t]));
  const shape: HeadShape = { inChannels, numClasses: config.classNames.length, head: config.head };
  const head = RoiHead.fromWeights(shape, weights);
  tf.dispose(Object.values(decoded));
  return { config, head };
}

/** The saved detector's config, read without decoding any weight. */
export function savedConfig(files: ModelFiles): DetectorConfig {
  const json = JSON.parse(files.modelJson) as { modelTopology: SavedDetectorTopology };
  if (json.modelTopology?.format !== DETECTOR_FORMAT) throw new Error(`not a saved detector (expected format ${DETECTOR_FORMAT})`);
  return json.modelTopology.config;
}

/** The fine-tuned backbone weights a saved model carries ('backbone/<graph constant>'), by graph constant name. */
export function savedBackboneWeights(files: ModelFiles): Map<string, tf.Tensor> {
  const specs = artifactsFromFiles(files).weightSpecs!;
  if (!specs.some((spec) => spec.name.startsWith('backbone/'))) return new Map();
  const decoded = tf.io.decodeWeights(files.weights, specs);
  const out = new Map<string, tf.Tensor>();
  for (const [name, t] of Object.entries(decoded)) {
    if (name.startsWith('backbone/')) out.set(name.slice(9), t);
    else t.dispose();
  }
  return out;
}
