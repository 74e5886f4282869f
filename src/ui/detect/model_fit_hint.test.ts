import { describe, expect, it } from 'vitest';
import { modelFitHint } from './model_fit_hint';

const BCCD = ['WBC', 'RBC', 'Platelets'];
const near = { spreads: 1.7, feature: 'green contrast', trainingImages: 205, dataset: 'BCCD' };
const far = { spreads: 24.6, feature: 'red contrast', trainingImages: 205, dataset: 'BCCD' };

describe('modelFitHint', () => {
  it('a blood slide with confident cells: no hint', () => {
    expect(modelFitHint({ classNames: BCCD, scores: [0.99, 0.95, 0.9], scoreThreshold: 0.5, domain: near })).toBeNull();
  });

  it('a raccoon photo the BCCD model calls "WBC 0.99": unlike the training photos, whatever the score', () => {
    const hint = modelFitHint({ classNames: BCCD, scores: [0.99], scoreThreshold: 0.5, domain: far })!;
    expect(hint.reasons).toEqual(['unlike']);
    expect(hint.text).toBe('This model knows: WBC, RBC, Platelets. This image is unlike the 205 BCCD photos it was trained on '
      + '(its red contrast is 25 standard deviations from theirs), so its detections here can be confident and still wrong.');
  });

  it('nothing above the threshold, and weak best scores, also without training statistics', () => {
    expect(modelFitHint({ classNames: ['raccoon'], scores: [], scoreThreshold: 0.5, domain: null })!.text)
      .toBe('This model knows: raccoon. Nothing here looks like them with a score above 0.50; the image may be outside what it was trained on.');
    const weak = modelFitHint({ classNames: ['raccoon'], scores: [0.55, 0.62], scoreThreshold: 0.5, domain: null })!;
    expect(weak.reasons).toEqual(['weak']);
    expect(weak.text).toContain('Its best detection scores only 0.62');
  });

  it('reasons add up: unlike and nothing found', () => {
    expect(modelFitHint({ classNames: BCCD, scores: [], scoreThreshold: 0.5, domain: far })!.reasons).toEqual(['unlike', 'nothing']);
  });

  it('the boundaries: 8 standard deviations and a best score of 0.7 are still fine; just past them is not', () => {
    expect(modelFitHint({ classNames: BCCD, scores: [0.7], scoreThreshold: 0.5, domain: { ...near, spreads: 8 } })).toBeNull();
    expect(modelFitHint({ classNames: BCCD, scores: [0.7], scoreThreshold: 0.5, domain: { ...near, spreads: 8.01 } })!.reasons).toEqual(['unlike']);
    expect(modelFitHint({ classNames: BCCD, scores: [0.69], scoreThreshold: 0.5, domain: near })!.reasons).toEqual(['weak']);
  });
});
