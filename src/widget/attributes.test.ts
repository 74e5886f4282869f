import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_EFFECT, OBSERVED_ATTRIBUTES, parseBackend, parseLayers, parseNumber, parseOptionalNumber, parseProposalMode } from './attributes';

describe('parseLayers', () => {
  it('defaults to detections and labels', () => {
    expect(parseLayers(null)).toEqual({ detections: true, labels: true, proposals: false, suppressed: false, preRegression: false, rpnProposals: false, objectness: false });
  });

  it('reads space- or comma-separated names, any case, and ignores unknown ones', () => {
    expect(parseLayers('Proposals, pre-regression  bogus')).toEqual({
      detections: false, labels: false, proposals: true, suppressed: false, preRegression: true, rpnProposals: false, objectness: false,
    });
    expect(parseLayers('')).toEqual({ detections: false, labels: false, proposals: false, suppressed: false, preRegression: false, rpnProposals: false, objectness: false });
  });
});

describe('number attributes', () => {
  it('fall back on absent, non-numeric or out-of-range values', () => {
    expect(parseNumber(null, 0.5, 0, 1)).toBe(0.5);
    expect(parseNumber('abc', 0.5, 0, 1)).toBe(0.5);
    expect(parseNumber('1.5', 0.5, 0, 1)).toBe(0.5);
    expect(parseNumber(' 0.25 ', 0.5, 0, 1)).toBe(0.25);
    expect(parseOptionalNumber('0', 1)).toBeUndefined();
    expect(parseOptionalNumber('40', 1)).toBe(40);
  });

  it('proposal-mode accepts quality and dense, anything else is fast', () => {
    expect(parseProposalMode('quality')).toBe('quality');
    expect(parseProposalMode('dense')).toBe('dense');
    expect(parseProposalMode('QUALITY')).toBe('fast');
    expect(parseProposalMode(null)).toBe('fast');
  });
});

describe('the backend attribute', () => {
  it('is observed and, like the model, makes the element load its detector again', () => {
    expect(OBSERVED_ATTRIBUTES).toContain('backend');
    expect(ATTRIBUTE_EFFECT.backend).toBe('model');
  });

  it('takes auto, keep, a backend name or an ordered list; anything else is auto', () => {
    expect(parseBackend(null)).toBe('auto');
    expect(parseBackend('wasm')).toBe('wasm');
    expect(parseBackend(' WebGPU ')).toBe('webgpu');
    expect(parseBackend('keep')).toBe('keep');
    expect(parseBackend('webgl, wasm')).toEqual(['webgl', 'wasm']);
    expect(parseBackend('metal')).toBe('auto');
    expect(parseBackend('webgl tpu')).toBe('auto');
    expect(parseBackend('')).toBe('auto');
  });
});
