import { describe, expect, it } from 'vitest';
import { quantile, recommendRecipe, validationIterations, withOverrides, type RecipeImage } from './recipe';
import { stratifiedHoldout } from './validation_split';

/** n images of w x h, each with `perImage` boxes of side `side` of class `cls`. */
function images(n: number, w: number, h: number, perImage: number, side: number, cls = 0): RecipeImage[] {
  return Array.from({ length: n }, () => ({ width: w, height: h, boxes: Array.from({ length: perImage }, () => ({ classIndex: cls, width: side, height: side })) }));
}

describe('recommendRecipe', () => {
  it('keeps the paper\'s scale for large objects and samples background near them when images hold one or two', () => {
    const r = recommendRecipe({ classNames: ['raccoon'], train: images(128, 600, 450, 1, 250), validation: images(32, 600, 450, 1, 250) });
    expect(r.config.scale).toBe(600);
    expect(r.config.maxSize).toBe(1000);
    expect(r.config.sampling.bgThreshLo).toBe(0.1);
    expect(r.config.sampling.fgBalance).toBe('uniform');
    // 2.5 passes over 128 images and their mirrors, 2 images per batch
    expect(r.config.solver.iterations).toBe(320);
    expect(r.config.solver.steps).toEqual([240]);
    expect(r.config.solver.baseLr).toBe(0.01);
    expect(r.head.dropoutRate).toBe(0);
    expect(r.config.trainable).toEqual({ kind: 'conv', firstLayer: 'expanded_conv_12' });
    expect(r.detect.boxVotingIou).toBe(0.5);
    expect(r.validateEvery).toBe(40);
    expect(r.choices.map((c) => c.setting)).toContain('scale');
    // a small set: a second run on train + validation fits the budget
    expect(r.retrainOnAll).toBe(true);
    expect(r.choices.find((c) => c.setting === 'after validation')?.value).toBe('train again on all 160 images');
  });

  it('raises the scale for small objects, and balances classes and samples background anywhere in crowded images', () => {
    // BCCD-like: 640x480, a tenth of the boxes 30 px (platelets), the rest 100 px, 13 per image
    const train = Array.from({ length: 200 }, (_, i) => ({
      width: 640, height: 480,
      boxes: Array.from({ length: 13 }, (_, j) => ({ classIndex: j === 0 && i % 3 !== 0 ? 0 : 1, width: j === 0 ? 30 : 100, height: j === 0 ? 30 : 100 })),
    }));
    const r = recommendRecipe({ classNames: ['Platelets', 'RBC'], train, validation: train.slice(0, 80) });
    expect(r.config.scale).toBeGreaterThan(600);
    expect(r.config.scale).toBeLessThanOrEqual(800);
    expect(r.config.sampling.bgThreshLo).toBe(0);
    expect(r.config.sampling.fgBalance).toBe('per-class');
    // more passes for crowded images (sqrt(13) x 2.5 = 9), within the budget
    expect(r.config.solver.iterations).toBeGreaterThan(1000);
    expect(r.estimatedSeconds).toBeLessThanOrEqual(17 * 60 + 1);
    // the iterations already fill the budget: no second run; the reason names the budget that would allow it
    expect(r.retrainOnAll).toBe(false);
    const reason = r.choices.find((c) => c.setting === 'after validation')?.why ?? '';
    const needed = Number(/need about (\d+) minutes/.exec(reason)?.[1]);
    expect(needed).toBeGreaterThan(17);
    expect(recommendRecipe({ classNames: ['Platelets', 'RBC'], train, validation: train.slice(0, 80), budgetSeconds: needed * 60 }).retrainOnAll).toBe(true);
    expect(recommendRecipe({ classNames: ['Platelets', 'RBC'], train, validation: train.slice(0, 80), budgetSeconds: (needed - 2) * 60 }).retrainOnAll).toBe(false);
  });

  it('fits the iterations into the time budget, and never below the floor', () => {
    const train = images(300, 640, 480, 13, 100);
    const roomy = recommendRecipe({ classNames: ['a'], train, validation: [] });
    const tight = recommendRecipe({ classNames: ['a'], train, validation: [], budgetSeconds: 5 * 60 });
    expect(tight.config.solver.iterations).toBeLessThan(roomy.config.solver.iterations);
    const tiny = recommendRecipe({ classNames: ['a'], train: images(4, 640, 480, 1, 100), validation: [] });
    expect(tiny.config.solver.iterations).toBe(200);
    expect(tiny.validateEvery).toBe(0);
  });

  it('refuses a set without a labelled box, in words', () => {
    expect(() => recommendRecipe({ classNames: ['a'], train: images(3, 100, 100, 0, 10), validation: [] })).toThrow(/at least one training image with a labelled box/);
  });
});

describe('withOverrides', () => {
  const base = recommendRecipe({ classNames: ['a'], train: images(128, 600, 450, 1, 250), validation: images(32, 600, 450, 1, 250) });

  it('puts the user\'s settings over the recipe and says which', () => {
    const r = withOverrides(base, { iterations: 800, learningRate: 0.001, scale: 480, trainable: 'fc', boxVotingIou: null, bgThreshLo: 0 });
    expect(r.config.solver.iterations).toBe(800);
    expect(r.config.solver.steps).toEqual([600]);
    expect(r.config.solver.baseLr).toBe(0.001);
    expect(r.config.scale).toBe(480);
    expect(r.config.maxSize).toBe(800);
    expect(r.config.trainable).toEqual({ kind: 'fc' });
    expect(r.detect.boxVotingIou).toBeNull();
    expect(r.config.sampling.bgThreshLo).toBe(0);
    expect(r.validateEvery).toBe(100);
    expect(r.choices.find((c) => c.setting === 'iterations')?.why).toBe('set by you');
    expect(r.choices.find((c) => c.setting === 'dropout')?.why).not.toBe('set by you');
  });

  it('turns the second run off or on, never without validation images', () => {
    expect(withOverrides(base, { retrainOnAll: false }).retrainOnAll).toBe(false);
    const noValidation = recommendRecipe({ classNames: ['a'], train: images(128, 600, 450, 1, 250), validation: [] });
    expect(noValidation.retrainOnAll).toBe(false);
    expect(withOverrides(noValidation, { retrainOnAll: true }).retrainOnAll).toBe(false);
  });

  it('changes nothing without overrides', () => {
    expect(withOverrides(base, {})).toEqual(base);
  });
});

describe('validationIterations', () => {
  it('evaluates every eighth from the half on, and at the end', () => {
    expect(validationIterations(320, 40)).toEqual([160, 200, 240, 280, 320]);
    expect(validationIterations(100, 0)).toEqual([]);
    expect(validationIterations(7, 1)).toEqual([4, 5, 6, 7]);
  });
});

describe('quantile', () => {
  it('takes the nearest rank', () => {
    expect(quantile([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 0.1)).toBe(1);
    expect(quantile([5, 1, 4, 2, 3, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('stratifiedHoldout', () => {
  const set = (counts: Record<string, number>) => {
    const out: { id: string; classes: string[] }[] = [];
    for (const [cls, n] of Object.entries(counts)) for (let i = 0; i < n; i++) out.push({ id: `${cls}${i}`, classes: [cls] });
    return out;
  };

  it('holds out a fifth, with every class that has two or more images represented and kept in training', () => {
    const images = set({ cat: 80, dog: 15, fox: 2, owl: 1 });
    const held = stratifiedHoldout(images);
    expect(held.size).toBe(20);
    const heldOf = (cls: string) => images.filter((i) => held.has(i.id) && i.classes.includes(cls)).length;
    expect(heldOf('fox')).toBe(1);
    expect(heldOf('owl')).toBe(0); // its only image stays in training
    expect(heldOf('dog')).toBeGreaterThanOrEqual(2);
    expect(heldOf('cat')).toBeGreaterThanOrEqual(14);
  });

  it('is the same for the same seed, different for another', () => {
    const images = set({ cat: 40, dog: 40 });
    expect([...stratifiedHoldout(images, { seed: 3 })]).toEqual([...stratifiedHoldout(images, { seed: 3 })]);
    expect([...stratifiedHoldout(images, { seed: 3 })]).not.toEqual([...stratifiedHoldout(images, { seed: 4 })]);
  });

  it('holds nothing out of a very small set, and ignores images without boxes', () => {
    expect(stratifiedHoldout(set({ cat: 4 })).size).toBe(0);
    const withEmpty = [...set({ cat: 10 }), { id: 'empty', classes: [] }];
    const held = stratifiedHoldout(withEmpty);
    expect(held.size).toBe(2);
    expect(held.has('empty')).toBe(false);
  });

  it('caps the held-out images', () => {
    expect(stratifiedHoldout(set({ cat: 1000 }), { maxImages: 100 }).size).toBe(100);
  });
});
