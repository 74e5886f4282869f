/**
 * A trained detector on disk or in IndexedDB: `model.json` (the DetectorConfig, with the empirical box-target
 * statistics in bboxNormalization, plus a tfjs weights manifest) and `weights.bin` (the head's float32 weights in
 * tfjs weight format). Only the trained layers are stored; the backbone comes from the npm package.
 *
 * fc6/fc7 can be stored as truncated-SVD factors (paper §3.1): `fc6_L/kernel` [D, l] and `fc6_U/kernel` [l, out]
 * with `fc6_U/bias`, which is what keeps a model with a wide fc6 under 10 MB.
 */
import * as tf from '@tensorflow/tfjs';
import type { TargetStats } from '../geometry/bbox_transform';
import { DEFAULT_BACKBONE, makeDetectorConfig, type DetectorConfig, type HeadConfig, type ScaleConfig } from '../model/defaults';
import { truncatedSvd } from '../model/svd';
import type { ModelFiles } from './protocol';
import type { TrainableParam } from './sgd';

export const MODEL_FORMAT = 'frcnn-web-head';

export interface SavedModelJson {
  readonly format: typeof MODEL_FORMAT;
  readonly version: 1;
  readonly config: DetectorConfig;
  /** Free-form facts about the training run (iterations, seconds, dataset, backend). */
  readonly training: Record<string, unknown>;
  readonly weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export interface ExportOptions {
  readonly classNames: readonly string[];
  readonly head: HeadConfig;
  readonly input: ScaleConfig;
  readonly stats: TargetStats;
  readonly svdRanks: { readonly fc6: number | null; readonly fc7: number | null };
  readonly training: Record<string, unknown>;
}

/** Reads the head's weights, factors fc6/fc7 when asked, and encodes both files. */
export async function exportModel(params: readonly TrainableParam[], options: ExportOptions): Promise<ModelFiles> {
  const named: Record<string, tf.Tensor> = {};
  for (const p of params) named[p.name] = p.variable;
  const ranks = { fc6: options.svdRanks.fc6, fc7: options.svdRanks.fc7 };
  for (const layer of ['fc6', 'fc7'] as const) {
    const rank = ranks[layer];
    const kernel = named[`${layer}/kernel`];
    if (rank == null || !kernel || rank >= Math.min(...kernel.shape)) {
      ranks[layer] = null;
      continue;
    }
    const [rows, cols] = kernel.shape;
    const svd = truncatedSvd(await kernel.data(), rows, cols, rank);
    named[`${layer}_L/kernel`] = tf.tensor2d(svd.left, [rows, rank]);
    named[`${layer}_U/kernel`] = tf.tensor2d(svd.right, [rank, cols]);
    named[`${layer}_U/bias`] = named[`${layer}/bias`];
    delete named[`${layer}/kernel`];
    delete named[`${layer}/bias`];
  }
  const { data, specs } = await tf.io.encodeWeights(named);
  const config = makeDetectorConfig(options.classNames, {
    backbone: { ...DEFAULT_BACKBONE, trainableFrom: null },
    head: { ...options.head, fc6Rank: ranks.fc6, fc7Rank: ranks.fc7 },
    input: options.input,
    bboxNormalization: { means: Array.from(options.stats.means), stds: Array.from(options.stats.stds) },
  });
  const json: SavedModelJson = {
    format: MODEL_FORMAT,
    version: 1,
    config,
    training: options.training,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  return { modelJson: JSON.stringify(json, null, 1), weights: data };
}

export interface LoadedModel {
  readonly json: SavedModelJson;
  readonly weights: Map<string, tf.Tensor>;
  readonly stats: TargetStats;
}

export function importModel(files: ModelFiles): LoadedModel {
  const json = JSON.parse(files.modelJson) as SavedModelJson;
  if (json.format !== MODEL_FORMAT) throw new Error(`not a ${MODEL_FORMAT} model.json (format: ${String(json.format)})`);
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const weights = new Map(Object.entries(tf.io.decodeWeights(files.weights, specs)));
  const { means, stds } = json.config.bboxNormalization;
  const stats = { numClasses: json.config.classNames.length + 1, means: Float64Array.from(means), stds: Float64Array.from(stds) };
  return { json, weights, stats };
}
