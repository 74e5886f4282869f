/**
 * The fully frozen backbone (fc-only training) as a tfjs GraphModel executed up to the tap. Same graph, same
 * weights and same ops as src/model/backbone.ts (whose interpreter is verified to match tf.loadGraphModel), but
 * tfjs's executor runs the fused kernels directly: measured at 600x800 on wasm in headless Chromium, 0.19 s per
 * image against 0.63 s for the interpreter, which matters when every training image and its mirror go through it.
 * The graph's placeholder is pinned to 512x512; it is relaxed to [1, -1, -1, 3] so any image size runs.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackboneConfig } from '../model/defaults';

interface GraphJson {
  format?: string;
  modelTopology: { node: { name: string; op: string; input?: string[]; attr?: { shape?: { shape?: { dim?: { size: string }[] } } } }[] };
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export type FeatureForward = (images: tf.Tensor4D) => tf.Tensor4D;

/**
 * `stopBeforeWeight`: for conv fine-tuning, stop at the input of the first op that reads this weight (the first
 * trainable conv), i.e. at the frozen prefix's output; by default run to the tap.
 */
export async function loadFrozenBackbone(config: BackboneConfig, stopBeforeWeight?: string): Promise<{ forward: FeatureForward; dispose: () => void }> {
  const base = config.modelUrl.slice(0, config.modelUrl.lastIndexOf('/') + 1);
  const json = (await (await fetch(config.modelUrl)).json()) as GraphJson;
  for (const node of json.modelTopology.node) {
    const dims = node.attr?.shape?.shape?.dim;
    if (node.op === 'Placeholder' && dims?.length === 4) node.attr!.shape!.shape!.dim = [{ size: '1' }, { size: '-1' }, { size: '-1' }, { size: dims[3].size }];
  }
  let output = config.tapNode;
  if (stopBeforeWeight !== undefined) {
    const reader = json.modelTopology.node.find((n) => n.input?.includes(stopBeforeWeight));
    if (!reader?.input?.[0]) throw new Error(`no graph op reads ${stopBeforeWeight}`);
    output = reader.input[0];
  }
  const buffers = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map(async (p) => (await fetch(base + p)).arrayBuffer()));
  const weightData = concat(buffers);
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData, format: json.format }),
  );
  return {
    forward: (images) => model.execute({ [config.inputNode]: images }, output) as tf.Tensor4D,
    dispose: () => model.dispose(),
  };
}

function concat(buffers: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}
