/**
 * A tfjs model.json (a saved detector's, or the pretrained backbone graph's) read in one place: the topology and the
 * weights manifest, checked, then as ModelArtifacts once the weight files it lists have been read. The library's
 * fetch (api/model_files.ts), saved files (weights_io.ts artifactsFromFiles), the trainer's frozen backbone
 * (training/frozen_graph.ts) and the Node tests' backbone (testing/node_backbone.ts) all read it here; each gets
 * the weight files its own way (fetch, memory, the file system).
 */
import type * as tf from '@tensorflow/tfjs';

export interface ManifestGroup {
  /** The weight files of this group, relative to the model.json (absent in a saved detector's in-memory files). */
  readonly paths?: readonly string[];
  readonly weights: readonly tf.io.WeightsManifestEntry[];
}

export interface ModelJson {
  readonly modelTopology: object;
  readonly weightsManifest: readonly ManifestGroup[];
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string;
}

/** A model.json that is not one: `source` and what is wrong are in the message. */
export class ModelJsonError extends Error {
  override readonly name = 'ModelJsonError';
}

/** Parses and checks the text of a model.json; `source` (its URL or file) and `what` ('model', 'backbone') name it in errors. */
export function parseModelJson(text: string, source: string, what = 'model'): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelJsonError(`${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const candidate = json as Partial<ModelJson> | null;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.modelTopology !== 'object' || candidate.modelTopology === null
    || !Array.isArray(candidate.weightsManifest)) {
    throw new ModelJsonError(`${source} is a JSON file but not a tfjs ${what} (no modelTopology or weightsManifest)`);
  }
  candidate.weightsManifest.forEach((group: Partial<ManifestGroup> | null, i) => {
    const paths = group?.paths;
    if (!Array.isArray(group?.weights) || (paths !== undefined && !(Array.isArray(paths) && paths.every((p) => typeof p === 'string')))) {
      throw new ModelJsonError(`${source}: weightsManifest group ${i + 1} needs a weights list and, if any, a list of path strings`);
    }
  });
  return candidate as ModelJson;
}

/** The weight files the manifest lists, in order, relative to the model.json. */
export function weightPaths(json: ModelJson, source: string): string[] {
  return json.weightsManifest.flatMap((group, i) => {
    if (group.paths === undefined && group.weights.length > 0) throw new ModelJsonError(`${source}: weightsManifest group ${i + 1} names no weight file`);
    return [...(group.paths ?? [])];
  });
}

/** The model as tfjs ModelArtifacts, with the bytes of its weight files in manifest order (weightPaths). */
export function modelArtifacts(json: ModelJson, weightFiles: readonly (ArrayBuffer | Uint8Array)[]): tf.io.ModelArtifacts {
  return {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weightFiles.length === 1 && weightFiles[0] instanceof ArrayBuffer ? weightFiles[0] : concatBytes(weightFiles),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  };
}

/** One ArrayBuffer holding `parts` one after the other. */
export function concatBytes(parts: readonly (ArrayBuffer | Uint8Array)[]): ArrayBuffer {
  const views = parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p)));
  const out = new Uint8Array(views.reduce((n, v) => n + v.byteLength, 0));
  let offset = 0;
  for (const view of views) {
    out.set(view, offset);
    offset += view.byteLength;
  }
  return out.buffer;
}
