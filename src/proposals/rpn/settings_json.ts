/**
 * RpnSettings from a saved model's JSON: every field checked, so a damaged or hand-edited model.json fails with the
 * field's path and what to write there instead of proposing nonsense. JSON.stringify writes them (plain data).
 */
import type { AnchorSettings, AnchorTargetSettings, ProposalLayerSettings, RpnSettings } from './settings';

/**
 * `source` names the file in messages, e.g. 'model.json'. A model saved before the unused training-time settings
 * were dropped still has `trainProposals`: nothing ever read it, so it is passed over.
 */
export function parseRpnSettings(value: unknown, source: string): RpnSettings {
  const at = (path: string) => `${source}: rpn${path}`;
  const root = record(value, at(''));
  return {
    anchors: parseAnchors(root.anchors, at('.anchors')),
    targets: parseTargets(root.targets, at('.targets')),
    testProposals: parseLayer(root.testProposals, at('.testProposals')),
  };
}

function parseAnchors(value: unknown, where: string): AnchorSettings {
  const o = record(value, where);
  return {
    baseSize: positive(o.baseSize, `${where}.baseSize`),
    ratios: positiveList(o.ratios, `${where}.ratios`),
    scales: positiveList(o.scales, `${where}.scales`),
    featureStride: positive(o.featureStride, `${where}.featureStride`),
  };
}

function parseTargets(value: unknown, where: string): AnchorTargetSettings {
  const o = record(value, where);
  const targets = {
    positiveIou: fraction(o.positiveIou, `${where}.positiveIou`),
    negativeIou: fraction(o.negativeIou, `${where}.negativeIou`),
    batchSize: wholeAtLeast(o.batchSize, 1, `${where}.batchSize`),
    positiveFraction: fraction(o.positiveFraction, `${where}.positiveFraction`),
    allowedBorder: number(o.allowedBorder, `${where}.allowedBorder`),
  };
  if (targets.negativeIou > targets.positiveIou) {
    throw new Error(`${where}: negativeIou ${targets.negativeIou} is above positiveIou ${targets.positiveIou}; an anchor cannot be both`);
  }
  return targets;
}

function parseLayer(value: unknown, where: string): ProposalLayerSettings {
  const o = record(value, where);
  return {
    preNmsTopN: wholeAtLeast(o.preNmsTopN, 1, `${where}.preNmsTopN`),
    postNmsTopN: wholeAtLeast(o.postNmsTopN, 1, `${where}.postNmsTopN`),
    nmsIou: fraction(o.nmsIou, `${where}.nmsIou`),
    minSize: atLeastZero(o.minSize, `${where}.minSize`),
  };
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} must be an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function number(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${where} must be a finite number, got ${describe(value)}`);
  return value;
}

function positive(value: unknown, where: string): number {
  const v = number(value, where);
  if (!(v > 0)) throw new Error(`${where} must be above 0, got ${v}`);
  return v;
}

function atLeastZero(value: unknown, where: string): number {
  const v = number(value, where);
  if (v < 0) throw new Error(`${where} must be 0 or more, got ${v}`);
  return v;
}

function fraction(value: unknown, where: string): number {
  const v = number(value, where);
  if (!(v >= 0 && v <= 1)) throw new Error(`${where} must be between 0 and 1, got ${v}`);
  return v;
}

function wholeAtLeast(value: unknown, min: number, where: string): number {
  const v = number(value, where);
  if (!Number.isInteger(v) || v < min) throw new Error(`${where} must be a whole number of at least ${min}, got ${v}`);
  return v;
}

function positiveList(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${where} must be a non-empty list of numbers, got ${describe(value)}`);
  return value.map((v, i) => positive(v, `${where}[${i}]`));
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
