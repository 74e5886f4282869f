import { describe, expect, it } from 'vitest';
import { summarizeVoc } from './detect_eval';


describe('summarizeVoc', () => {
  it('gives AP 1 for a perfect detection and converts to VOC boxes consistently', () => {
    const images = [{ id: 'a', url: '', gtBoxes: [9, 9, 50, 50], gtClasses: [1] }];
    const det = { boxes: Float32Array.of(9, 9, 50, 50), scores: Float32Array.of(0.9), classes: Int32Array.of(1) };
    const s = summarizeVoc(images, [det], ['cell'], 2);
    expect(s.metric.voc07.perClass.cell).toBeCloseTo(1, 9);
    expect(s.metric.area.mAP).toBeCloseTo(1, 9);
    expect(s.secondsPerImage).toBe(2);
  });
});
