import { describe, expect, it } from 'vitest';
import { provenanceText } from './model_provenance';

describe('provenanceText', () => {
  it('a shipped model: its data set, training photos and test mAP', () => {
    expect(provenanceText({ source: 'default', description: '', origin: { kind: 'shipped', dataset: 'BCCD', images: 205, testMAP: 0.815, testImages: 72 } }))
      .toBe('shipped: trained on BCCD, 205 photos, test mAP 0.81 on 72 photos');
  });

  it('a model trained here: its photos and held-out mAP, or that it was not evaluated', () => {
    expect(provenanceText({ source: 'browser', description: '', origin: { kind: 'trained', images: 12, heldOutMAP: 0.5, heldOutImages: 3 } }))
      .toBe('trained here on 12 photos, held-out mAP 0.50 on 3 photos');
    expect(provenanceText({ source: 'browser', description: '', origin: { kind: 'trained', images: 1, heldOutMAP: null, heldOutImages: null } }))
      .toBe('trained here on 1 photo, not evaluated on held-out photos');
  });

  it('uploaded, copied, and older saves that only have a description', () => {
    expect(provenanceText({ source: 'browser', description: '', origin: { kind: 'uploaded', file: 'm.json' } })).toBe('uploaded from m.json: what it was trained on is not recorded');
    expect(provenanceText({ source: 'browser', description: '', origin: { kind: 'copy', of: 'bccd' } })).toBe('a copy of bccd');
    expect(provenanceText({ source: 'browser', description: 'Fine-tuned here on 9 images', origin: { kind: 'unknown' } })).toBe('saved in this browser: Fine-tuned here on 9 images');
  });
});
