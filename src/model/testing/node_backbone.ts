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
import { modelArtifacts, parseModelJson, weightPaths } from '../model_json';

interface GraphTopology {
  node: { op: string; attr?: { shape?: { shape?: { dim?: { size: string }[] } } } }[];
}

function modelsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@vladmandic/human')), '..', 'models');
}

/** The centernet graph and weights as tfjs ModelArtifacts; `anySize` patches the input placeholder to [-1,-1,-1,3]. */
export function centernetArtifacts(anySize = false): tf.io.ModelArtifacts {
  const path = join(modelsDir(), 'centernet.json');
  const json = parseModelJson(readFileSync(path, 'utf8'), path, 'backbone');
  if (anySize) {
    for (const node of (json.modelTopology as GraphTopology).node) {
      const dims = node.attr?.shape?.shape?.dim;
      if (node.op === 'Placeholder' && dims) dims.forEach((d, i) => (d.size = i === 3 ? d.size : '-1'));
    }
  }
  return modelArtifacts(json, weightPaths(json, path).map((file) => readFileSync(join(modelsDir(), file))));
}

/** An IOHandler over those artifacts, for Backbone.load and tf.loadGraphModel. */
export function centernetHandler(anySize = false): tf.io.IOHandler {
  return { load: async () => centernetArtifacts(anySize) };
}

export function loadNodeBackbone(config: Partial<BackboneConfig> = {}): Promise<Backbone> {
  return Backbone.load({ ...DEFAULT_BACKBONE, ...config }, centernetHandler());
}
