import { describe, expect, it } from 'vitest';
import { knownClass, modelFitHint } from './model_fit_hint';

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

  describe('what the user looks for', () => {
    const others = [{ name: 'raccoon', classNames: ['raccoon'] }, { name: 'zoo', classNames: ['Raccoon', 'dog'] }];

    it('a class the model knows, in any case: its own spelling; empty or unknown: null', () => {
      expect(knownClass(' wbc ', BCCD)).toBe('WBC');
      expect(knownClass('platelets', BCCD)).toBe('Platelets');
      expect(knownClass('', BCCD)).toBeNull();
      expect(knownClass('dog', BCCD)).toBeNull();
      expect(knownClass('WBCs', BCCD)).toBeNull();
    });

    it('a known class: no mismatch; the score rules speak of that class', () => {
      expect(modelFitHint({ classNames: BCCD, scores: [0.95], scoreThreshold: 0.5, domain: near, lookingFor: 'rbc' })).toBeNull();
      expect(modelFitHint({ classNames: BCCD, scores: [], scoreThreshold: 0.5, domain: near, lookingFor: 'rbc' })!.text)
        .toBe('This model knows: WBC, RBC, Platelets. Nothing here looks like RBC with a score above 0.50; the image may be outside what it was trained on.');
    });

    it('a class only other models know: names them, whatever the scores, even before a run', () => {
      const hint = modelFitHint({ classNames: BCCD, scores: [0.99], scoreThreshold: 0.5, domain: near, lookingFor: 'raccoon', otherModels: others })!;
      expect(hint.reasons).toEqual(['mismatch']);
      expect(hint.text).toBe('This model knows WBC, RBC and Platelets — not “raccoon”. The raccoon model knows raccoon; the zoo model knows Raccoon: '
        + 'pick one above, or fine-tune one on your photos (Annotate, then Fine-tune).');
      expect(modelFitHint({ classNames: BCCD, scores: null, scoreThreshold: 0.5, domain: null, lookingFor: 'Dog', otherModels: others })!.text)
        .toBe('This model knows WBC, RBC and Platelets — not “Dog”. The zoo model knows dog: pick it above, or fine-tune one on your photos (Annotate, then Fine-tune).');
    });

    it('a class no model knows says so; the image check still adds its sentence, the score rules do not', () => {
      const hint = modelFitHint({ classNames: BCCD, scores: [], scoreThreshold: 0.5, domain: far, lookingFor: ' cat ', otherModels: others })!;
      expect(hint.reasons).toEqual(['mismatch', 'unlike']);
      expect(hint.text).toMatch(/^This model knows WBC, RBC and Platelets — not “cat”. No other model here knows it: fine-tune one on your photos \(Annotate, then Fine-tune\). This image is unlike/);
      expect(modelFitHint({ classNames: ['raccoon'], scores: null, scoreThreshold: 0.5, domain: null, lookingFor: 'cat' })!.text)
        .toMatch(/^This model knows raccoon — not “cat”\./);
    });

    it('before a run, without a question, there is nothing to say', () => {
      expect(modelFitHint({ classNames: BCCD, scores: null, scoreThreshold: 0.5, domain: null, lookingFor: '  ' })).toBeNull();
    });
  });
});
