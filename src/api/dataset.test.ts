import { describe, expect, it } from 'vitest';
import { datasetClassNames, datasetSpecs } from './dataset';
import { DetectorError } from './errors';

const box = { xmin: 1, ymin: 2, xmax: 11, ymax: 22 };

describe('datasetSpecs', () => {
  it('packs boxes, 1-based class ids and difficult flags, with absolute URLs', () => {
    const dataset = { images: [{ image: 'https://a.example/1.jpg', objects: [{ label: 'b', box }, { label: 'a', box, difficult: true }] }] };
    const names = datasetClassNames(dataset);
    expect(names).toEqual(['a', 'b']);
    const specs = datasetSpecs(dataset, names, 'train');
    expect(specs.images).toEqual([{ id: 'https://a.example/1.jpg', url: 'https://a.example/1.jpg', gtBoxes: [1, 2, 11, 22, 1, 2, 11, 22], gtClasses: [2, 1], difficult: [false, true] }]);
  });

  it('turns a Blob into an object URL that release() revokes', () => {
    const specs = datasetSpecs({ images: [{ image: new Blob(['x']), objects: [] }] }, ['a'], 'train');
    expect(specs.images[0].url).toMatch(/^blob:/);
    expect(specs.images[0].id).toBe('image-0');
    specs.release();
  });

  it('rejects unknown labels, empty boxes, duplicate ids and empty datasets with a DetectorError', () => {
    const bad = [
      { images: [{ image: 'x.jpg', objects: [{ label: 'c', box }] }] },
      { images: [{ image: 'x.jpg', objects: [{ label: 'a', box: { ...box, xmax: 1 } }] }] },
      { images: [{ image: 'x.jpg', objects: [] }, { image: 'x.jpg', objects: [] }] },
      { images: [] },
    ];
    for (const dataset of bad) {
      const error = (() => {
        try {
          datasetSpecs(dataset, ['a'], 'evaluate');
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(DetectorError);
      expect((error as DetectorError).code).toBe('dataset');
    }
  });
});
