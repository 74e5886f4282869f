import { describe, expect, it } from 'vitest';
import { toColorSpace } from './color_space';
import { segmentGraph } from './felzenszwalb';
import { gaussianBlur } from './gaussian_filter';
import { buildSortedEdges } from './graph_edges';
import { paintImage } from './test_support/synthetic_image';
import type { ImageDataLike } from './types';

/** FH on the RGB image, smoothed as in the pipeline unless sigma is 0. */
function segment(image: ImageDataLike, k: number, minSize: number, sigma = 0) {
  const planar = toColorSpace(image, 'rgb');
  const smoothed = sigma > 0 ? planar.channels.map((c) => gaussianBlur(c, image.width, image.height, sigma)) : planar.channels;
  return segmentGraph(buildSortedEdges(smoothed, image.width, image.height), image.width, image.height, { k, minSize });
}

describe('segmentGraph (Felzenszwalb-Huttenlocher)', () => {
  it('splits an image into its two flat halves', () => {
    const image = paintImage(20, 10, [0, 0, 0], [{ box: [10, 0, 20, 10], rgb: [200, 50, 50] }]);
    const seg = segment(image, 100, 1);
    expect(seg.count).toBe(2);
    expect(seg.labels[0]).toBe(0);
    expect(seg.labels[19]).toBe(1);
    // Every pixel of a half has its half's label.
    for (let y = 0; y < 10; y++) for (let x = 0; x < 20; x++) expect(seg.labels[y * 20 + x]).toBe(x < 10 ? 0 : 1);
  });

  it('finds four quadrants despite pixel noise', () => {
    const image = paintImage(
      24,
      24,
      [20, 20, 20],
      [
        { box: [12, 0, 24, 12], rgb: [220, 30, 30] },
        { box: [0, 12, 12, 24], rgb: [30, 220, 30] },
        { box: [12, 12, 24, 24], rgb: [30, 30, 220] },
      ],
      6,
    );
    const seg = segment(image, 200, 50, 0.8);
    expect(seg.count).toBe(4);
    const corner = (x: number, y: number) => seg.labels[y * 24 + x];
    expect(new Set([corner(2, 2), corner(21, 2), corner(2, 21), corner(21, 21)]).size).toBe(4);
  });

  it('merges components smaller than minSize into a neighbour', () => {
    const image = paintImage(20, 20, [0, 0, 0], [{ box: [8, 8, 11, 11], rgb: [255, 255, 255] }]);
    expect(segment(image, 1, 1).count).toBe(2);
    expect(segment(image, 1, 10).count).toBe(1);
  });

  it('larger k gives fewer regions', () => {
    const image = paintImage(32, 32, [100, 100, 100], [], 40);
    expect(segment(image, 500, 1, 0.8).count).toBeLessThan(segment(image, 20, 1, 0.8).count);
  });
});
