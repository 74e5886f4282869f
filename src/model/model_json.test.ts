import { describe, expect, it } from 'vitest';
import { concatBytes, modelArtifacts, ModelJsonError, parseModelJson, weightPaths } from './model_json';

const spec = (name: string) => ({ name, shape: [1], dtype: 'float32' as const });

describe('parseModelJson: one reader of model.json for the library, saved files, the trainer and the Node tests', () => {
  it('reads the topology and every manifest group; the weight files in manifest order; the artifacts in that order', () => {
    const text = JSON.stringify({
      format: 'graph-model', generatedBy: 'x', convertedBy: 'y', modelTopology: { node: [] },
      weightsManifest: [{ paths: ['a.bin', 'b.bin'], weights: [spec('w1')] }, { paths: ['c.bin'], weights: [spec('w2'), spec('w3')] }],
    });
    const json = parseModelJson(text, 'https://a.example/m/model.json');
    expect(weightPaths(json, 'm')).toEqual(['a.bin', 'b.bin', 'c.bin']);
    const artifacts = modelArtifacts(json, [new Uint8Array([1, 2]), new Uint8Array([3]).buffer, new Uint8Array([4, 5])]);
    expect([...new Uint8Array(artifacts.weightData as ArrayBuffer)]).toEqual([1, 2, 3, 4, 5]);
    expect(artifacts.weightSpecs!.map((s) => s.name)).toEqual(['w1', 'w2', 'w3']);
    expect([artifacts.format, artifacts.generatedBy, artifacts.convertedBy, artifacts.modelTopology]).toEqual(['graph-model', 'x', 'y', { node: [] }]);
    // one file: its own buffer, not a copy
    const one = new ArrayBuffer(4);
    expect(modelArtifacts(json, [one]).weightData).toBe(one);
    expect(concatBytes([])).toEqual(new ArrayBuffer(0));
  });

  it('a saved detector\'s in-memory model.json may leave out the paths; fetching it then says which group names no file', () => {
    const json = parseModelJson(JSON.stringify({ modelTopology: {}, weightsManifest: [{ weights: [spec('w')] }] }), 'the model.json');
    expect(modelArtifacts(json, [new ArrayBuffer(4)]).weightSpecs).toHaveLength(1);
    expect(() => weightPaths(json, 'https://a.example/model.json')).toThrow('https://a.example/model.json: weightsManifest group 1 names no weight file');
  });

  it('refuses what is not a tfjs model.json, naming the file and what is missing', () => {
    const bad = (text: string, what?: string) => () => parseModelJson(text, 'https://a.example/model.json', what);
    expect(bad('{"modelTopology": ')).toThrow(ModelJsonError);
    expect(bad('{"modelTopology": ')).toThrow(/^https:\/\/a\.example\/model\.json is not valid JSON: /);
    expect(bad('{"hello": 1}', 'backbone')).toThrow('https://a.example/model.json is a JSON file but not a tfjs backbone (no modelTopology or weightsManifest)');
    expect(bad('null')).toThrow('is a JSON file but not a tfjs model');
    expect(bad('{"modelTopology": {}, "weightsManifest": {}}')).toThrow('no modelTopology or weightsManifest');
    expect(bad('{"modelTopology": {}, "weightsManifest": [{"paths": ["a.bin"]}]}')).toThrow('https://a.example/model.json: weightsManifest group 1 needs a weights list');
    expect(bad('{"modelTopology": {}, "weightsManifest": [{"paths": "a.bin", "weights": []}]}')).toThrow('group 1 needs a weights list and, if any, a list of path strings');
  });
});
