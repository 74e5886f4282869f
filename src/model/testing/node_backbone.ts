/**
 * Node-only test helpers: the pretrained backbone read straight from node_modules (the browser gets the same
 * files from public/backbone/, copied by `npm run prepare-assets`). Never import this from browser code.
 */
import type * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Backbone } from '../backbone';
import { DEFAULT_BACKBONE, type BackboneConfig } from '../defaults';

interface GraphModelJson {
  modelTopology: { node: { op: string; attr?: { shape?: { shape?: { dim?: { size: string }[] } } } }[] };
  weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
}

function modelsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@vladmandic/human')), '..', 'models');
}

/** The centernet graph and weights as tfjs ModelArtifacts; `anySize` patches the input placeholder to [-1,-1,-1,3]. */
export function centernetArtifacts(anySize = false): tf.io.ModelArtifacts {
  const json = JSON.parse(readFileSync(join(modelsDir(), 'centernet.json'), 'utf8')) as GraphModelJson;
  const bin = readFileSync(join(modelsDir(), 'centernet.bin'));
  if (anySize) {
    for (const node of json.modelTopology.node) {
      const dims = node.attr?.shape?.shape?.dim;
      if (node.op === 'Placeholder' && dims) dims.forEach((d, i) => (d.size = i === 3 ? d.size : '-1'));
    }
  }
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  };
}

/** An IOHandler over those artifacts, for Backbone.load and tf.loadGraphModel. */
export function centernetHandler(anySize = false): tf.io.IOHandler {
  return { load: async () => centernetArtifacts(anySize) };
}

export function loadNodeBackbone(config: Partial<BackboneConfig> = {}): Promise<Backbone> {
  return Backbone.load({ ...DEFAULT_BACKBONE, ...config }, centernetHandler());
}
