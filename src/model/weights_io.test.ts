import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { artifactsFromFiles, DETECTOR_FORMAT, filesFromArtifacts } from './weights_io';

describe('saved files <-> artifacts', () => {
  it('round-trips model.json + weights.bin through ModelArtifacts, weights decoding back exactly', async () => {
    const a = tf.tensor2d([[1.5, -2], [3, 0.25]]);
    const b = tf.tensor1d([7, 8, 9]);
    const { data, specs } = await tf.io.encodeWeights([{ name: 'head/fc6/kernel', tensor: a }, { name: 'head/fc6/bias', tensor: b }]);
    const artifacts: tf.io.ModelArtifacts = { modelTopology: { format: DETECTOR_FORMAT, version: 1, config: {} }, weightSpecs: specs, weightData: data, format: DETECTOR_FORMAT, generatedBy: 'frcnn-web' };

    const files = filesFromArtifacts(artifacts);
    const json = JSON.parse(files.modelJson) as { weightsManifest: { paths: string[] }[] };
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);

    const back = artifactsFromFiles(files);
    expect(back.modelTopology).toEqual(artifacts.modelTopology);
    expect(back.format).toBe(DETECTOR_FORMAT);
    expect(back.generatedBy).toBe('frcnn-web');
    expect(back.weightSpecs).toEqual(specs);
    const decoded = tf.io.decodeWeights(back.weightData!, back.weightSpecs!);
    expect(Array.from(decoded['head/fc6/kernel'].dataSync())).toEqual([1.5, -2, 3, 0.25]);
    expect(Array.from(decoded['head/fc6/bias'].dataSync())).toEqual([7, 8, 9]);
    tf.dispose([a, b, ...Object.values(decoded)]);
  });

  it('reads every weight group of a model.json written with several', () => {
    const specs: tf.io.WeightsManifestEntry[] = [{ name: 'x', shape: [1], dtype: 'float32' }, { name: 'y', shape: [2], dtype: 'float32' }];
    const modelJson = JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['a.bin'], weights: [specs[0]] }, { paths: ['b.bin'], weights: [specs[1]] }] });
    expect(artifactsFromFiles({ modelJson, weights: new ArrayBuffer(12) }).weightSpecs).toEqual(specs);
  });
});
