import { describe, expect, it } from 'vitest';
import type { AnnotatedImage, AnnotationSet } from '../annotate/annotation_set';
import { aboutMinutes, keptText, planRun, RECOMMENDED_SETTINGS, recipeHeadline, withSetting, type TrainSettings } from './train_plan';

/** n 600x400 images, each with one 200x150 box of class id `classId`. */
function images(n: number, prefix: string, split: AnnotatedImage['split'] = 'train', classId = 1): AnnotatedImage[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`, name: `${prefix}${i}.jpg`, width: 600, height: 400, split,
    boxes: [{ id: `b${i}`, classId, box: [100, 100, 300, 250] as const }],
  }));
}

const SET: AnnotationSet = { classes: [{ id: 1, name: 'raccoon' }], images: [] };
const plan = (train: AnnotatedImage[], test: AnnotatedImage[] = [], settings: TrainSettings = RECOMMENDED_SETTINGS) =>
  planRun({ set: { ...SET, images: [...train, ...test] }, train, test, settings })!;

describe('the Train tab\'s run plan', () => {
  it('carves validation out of the training images, keeps the held-out images as the test set, and uses the recipe', () => {
    const p = plan(images(15, 't'), images(5, 'h', 'test'));
    expect(p.train.length + p.validation.length).toBe(15);
    expect(p.validation.length).toBe(3);
    expect(p.carvedOut).toBe(true);
    expect(p.test.map((i) => i.id)).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
    expect(p.settings).toMatchObject({ learningRate: 0.01, scale: 600, flipped: true, trainable: 'expanded_conv_12', backend: 'wasm' });
    expect(p.settings.iterations).toBe(p.recommended.config.solver.iterations);
    expect(p.recipe.validateEvery).toBeGreaterThan(0);
    expect(p.changed).toBe(0);
    expect(p.choices.map((c) => c.setting)).toEqual(expect.arrayContaining(['scale', 'iterations', 'learning rate', 'validation', 'train on']));
    expect(p.estimate.phases.validating).toBeGreaterThan(0);
    // the recipe trains again on all 15 images when its budget allows: the estimate counts that second run too
    expect(p.settings.retrainOnAll).toBe(p.recipe.retrainOnAll);
    const once = plan(images(15, 't'), images(5, 'h', 'test'), { overrides: { retrainOnAll: false }, backend: 'wasm' });
    expect(once.settings.retrainOnAll).toBe(false);
    expect(p.recipe.retrainOnAll).toBe(true);
    // the second run: the schedule stretched by 15/12
    expect(p.estimate.phases.training).toBeCloseTo(2.25 * once.estimate.phases.training, 0);
    expect(recipeHeadline(p)).toMatch(/^Recommended for this set: \d+ iterations at 600 px, learning rate 0\.01, choosing the iteration on 3 validation images, about \d+ minutes?\.$/);
  });

  it('trains on every image of a set too small to hold some out', () => {
    const p = plan(images(3, 't'), images(1, 'h', 'test'));
    expect(p.train).toHaveLength(3);
    expect(p.validation).toHaveLength(0);
    expect(recipeHeadline(p)).toContain('no validation images');
  });

  it('proposals: selective search by default, with why; learned (RPN) counts as the user\'s setting and the plan carries the sizes the anchors fit', () => {
    const p = plan(images(15, 't'));
    expect(p.settings.proposals).toBe('selective-search');
    const choice = p.choices.find((c) => c.setting === 'proposals');
    expect(choice).toMatchObject({ value: 'selective search' });
    expect(choice?.why).toContain('validation');
    const rpn = plan(images(15, 't'), [], { overrides: {}, backend: 'wasm', proposals: 'rpn' });
    expect(rpn.settings.proposals).toBe('rpn');
    expect(rpn.changed).toBe(1);
    expect(rpn.choices.find((c) => c.setting === 'proposals')).toMatchObject({ value: 'learned (RPN) and selective search' });
    expect(rpn.sizes.get('t0')).toEqual({ width: 600, height: 400 });
    // a run remembered before the choice existed (no proposals field) plans as selective search
    expect(plan(images(15, 't'), [], { overrides: {}, backend: 'wasm' }).settings.proposals).toBe('selective-search');
  });

  it('nothing to plan without training images', () => {
    expect(planRun({ set: SET, train: [], test: [], settings: RECOMMENDED_SETTINGS })).toBeNull();
  });

  it('applies the user\'s settings as overrides, each marked "set by you", and counts them', () => {
    const settings: TrainSettings = { overrides: { iterations: 50, scale: 320, flip: false, bgThreshLo: 0 }, backend: 'webgl' };
    const p = plan(images(15, 't'), [], settings);
    expect(p.settings).toMatchObject({ iterations: 50, scale: 320, flipped: false, backgroundAnywhere: true, backend: 'webgl' });
    expect(p.recipe.config.solver.steps).toEqual([38]);
    expect(p.changed).toBe(5);
    const mine = p.choices.filter((c) => c.why === 'set by you').map((c) => c.setting);
    expect(mine).toEqual(expect.arrayContaining(['iterations', 'scale', 'background examples', 'mirrored copies', 'train on']));
    expect(recipeHeadline(p)).toContain('with 5 settings set by you');
    expect(p.recommended.config.solver.iterations).not.toBe(50);
  });

  it('a setting put back to the recommended value is no longer an override', () => {
    const p = plan(images(15, 't'));
    const o = withSetting({}, p.recommended, 'scale', 480);
    expect(o).toEqual({ scale: 480 });
    expect(withSetting(o, p.recommended, 'scale', 600)).toEqual({});
    expect(withSetting({}, p.recommended, 'learningRate', 0.01)).toEqual({});
    expect(withSetting({}, p.recommended, 'bgThreshLo', 0.1)).toEqual({});
    expect(withSetting({}, null, 'iterations', 10)).toEqual({ iterations: 10 });
  });

  it('rebuilds a remembered run: its own validation images, order and iteration count', () => {
    const train = images(15, 't');
    const first = plan(train);
    const again = planRun({
      set: { ...SET, images: train }, settings: RECOMMENDED_SETTINGS,
      train: [...first.train, ...first.validation].map((i) => train.find((t) => t.id === i.id)!),
      test: [], validationIds: first.validation.map((i) => i.id), iterations: 123,
    })!;
    expect(again.train.map((i) => i.id)).toEqual(first.train.map((i) => i.id));
    expect(again.validation.map((i) => i.id)).toEqual(first.validation.map((i) => i.id));
    expect(again.settings.iterations).toBe(123);
  });

  it('says which iteration the run kept', () => {
    const validation = [{ iteration: 80, mAP: 0.7 }, { iteration: 240, mAP: 0.812 }, { iteration: 320, mAP: 0.8 }];
    expect(keptText({ iterations: 320, chosenIteration: 240, validation })).toBe('Kept iteration 240 of 320: validation mAP 81.2%');
    expect(keptText({ iterations: 320 })).toBeNull();
    expect(keptText({ iterations: 320, chosenIteration: 240, validation, retrained: { images: 20, iterations: 300 } })).toBe(
      'Validation chose iteration 240 of 320: validation mAP 81.2%; then trained again on all 20 images for 300 iterations (the same point of the schedule) and kept those weights');
    expect(aboutMinutes(20)).toBe('about 1 minute');
    expect(aboutMinutes(200)).toBe('about 3 minutes');
  });
});
