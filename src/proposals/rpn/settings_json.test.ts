import { describe, expect, it } from 'vitest';
import { defaultRpnSettings } from './settings';
import { parseRpnSettings } from './settings_json';

describe('parseRpnSettings', () => {
  it('reads back what JSON.stringify wrote', () => {
    const settings = defaultRpnSettings([4.65, 9.3]);
    expect(parseRpnSettings(JSON.parse(JSON.stringify(settings)), 'model.json')).toEqual(settings);
  });

  it('reads a model saved with the old, never-used trainProposals', () => {
    const settings = defaultRpnSettings();
    const old = { ...settings, trainProposals: { preNmsTopN: 12000, postNmsTopN: 2000, nmsIou: 0.7, minSize: 16 } };
    expect(parseRpnSettings(JSON.parse(JSON.stringify(old)), 'model.json')).toEqual(settings);
  });

  it('names the file, the field and what is wrong', () => {
    const good = JSON.parse(JSON.stringify(defaultRpnSettings()));
    const broken = (edit: (s: typeof good) => void) => {
      const copy = JSON.parse(JSON.stringify(good));
      edit(copy);
      return () => parseRpnSettings(copy, 'model.json');
    };
    expect(() => parseRpnSettings(null, 'model.json')).toThrow('model.json: rpn must be an object, got null');
    expect(broken((s) => { s.anchors.scales = []; })).toThrow('model.json: rpn.anchors.scales must be a non-empty list of numbers, got []');
    expect(broken((s) => { s.anchors.ratios[1] = -1; })).toThrow('model.json: rpn.anchors.ratios[1] must be above 0, got -1');
    expect(broken((s) => { delete s.testProposals.nmsIou; })).toThrow('model.json: rpn.testProposals.nmsIou must be a finite number, got nothing');
    expect(broken((s) => { s.testProposals.postNmsTopN = 2.5; })).toThrow(/postNmsTopN must be a whole number of at least 1, got 2.5/);
    expect(broken((s) => { s.targets.negativeIou = 0.8; })).toThrow(/negativeIou 0.8 is above positiveIou 0.7/);
    expect(broken((s) => { s.targets = 'x'; })).toThrow('model.json: rpn.targets must be an object, got "x"');
  });
});
