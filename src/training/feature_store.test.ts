import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { FeatureStore } from './feature_store';

await tf.setBackend('cpu');

const rgba = (width: number, height: number) => ({ width, height, data: new Uint8Array(width * height * 4).fill(100) });
const identity = (x: tf.Tensor4D) => tf.clone(x);

describe('FeatureStore.extract', () => {
  it('gives a shrunk copy (decoder output) the same map and original-to-input scale as the full image', async () => {
    const scales = { scale: 60, maxSize: 1000 };
    const full = new FeatureStore();
    await full.extract('full', rgba(400, 200), identity, scales, ['none']);
    const shrunk = new FeatureStore();
    await shrunk.extract('shrunk', rgba(40, 20), identity, scales, ['none'], { width: 400, height: 200 });
    const a = full.get('full');
    const b = shrunk.get('shrunk');
    expect(b.scale).toBe(0.3); // 60 / the original's short side of 200, the unit its boxes are in
    expect(b.scale).toBe(a.scale);
    expect(b.features.shape).toEqual([1, 60, 120, 3]);
    expect(b.features.shape).toEqual(a.features.shape);
    tf.dispose([a.features, b.features]);
  });

  it('stores each requested mirror view under its flip, mirrored along the right axes', async () => {
    const width = 6;
    const height = 4;
    const data = new Uint8Array(width * height * 4).map((_, i) => (i * 7) % 251);
    const store = new FeatureStore();
    const before = tf.memory().numTensors;
    await store.extract('img', { width, height, data }, identity, { scale: 4, maxSize: 100 }, ['none', 'h', 'v', 'hv']);
    expect(tf.memory().numTensors).toBe(before);
    const plain = store.get('img');
    for (const [flip, axes] of [['h', [2]], ['v', [1]], ['hv', [1, 2]]] as const) {
      const view = store.get('img', flip);
      const expected = tf.reverse(plain.features, [...axes]);
      expect(Array.from(await view.features.data())).toEqual(Array.from(await expected.data()));
      tf.dispose([view.features, expected]);
    }
    expect(() => store.get('img', 'h').features.dispose()).not.toThrow();
    expect(() => store.get('other', 'v')).toThrow(/no cached features for other \(flipped v\)/);
    plain.features.dispose();
  });
});
