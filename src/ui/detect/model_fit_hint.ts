/**
 * The Detect tab's hint when the model's answer deserves doubt. Pure: no DOM.
 *
 * Scores alone are not an honest signal: the blood-cell model scores raccoon photos "WBC 0.95"-"WBC 0.99". What does
 * separate them is the photo itself: a stained slide and an outdoor photo differ plainly in colour and contrast, so
 * the image's colour statistics are compared with the training photos' (data/image_statistics.ts). UNLIKE_SPREADS
 * was chosen on BCCD's val split and raccoon's train list (no test image): with the BCCD model the 87 val slides are
 * within 3.4 standard deviations (the 205 training slides within 5.5), the 160 raccoon training photos 13.6 or more
 * away, so 8 sits between with room on both sides. Checked once afterwards on the test splits: 72 slides within 4.5,
 * 40 raccoon photos 20.8 or more away. For the
 * raccoon model colour tells little (its photos vary widely: slides are 2.9-3.8 away, its own test photos up to 3.2),
 * so there the score rules carry the hint (5 of 6 slides tried: nothing above 0.5; one: "raccoon 0.75", no hint).
 * The rules, in order, each adding a sentence:
 * 1. unlike the training photos: the largest feature distance is over UNLIKE_SPREADS (only for models that carry
 *    their training photos' statistics: the shipped ones, and ones trained here on 8 or more photos);
 * 2. nothing above the score threshold;
 * 3. weak: the best detection scores under WEAK_SCORE.
 * Before them, when the user says what they look for ("Looking for", lookingFor) and the model has no such class:
 * 0. mismatch: says what the model knows instead and which other models know that class (or that fine-tuning one
 *    does); a named class the model knows is matched case-insensitively (knownClass) and only it is shown.
 * Rules 2 and 3 need a finished run of the model (scores); rule 0 needs none.
 * Not used: the number of detections against the training set's typical count (a crop of a slide has few cells and
 * is not out of domain), and box sizes (a raccoon's "WBC" boxes cover 2-26 % of the photo, a real WBC 5-17 %).
 */
export const WEAK_SCORE = 0.7;
export const UNLIKE_SPREADS = 8;

export interface ModelFitInput {
  readonly classNames: readonly string[];
  /** Scores of the detections shown (above the score threshold); null before a run of this model on this image. */
  readonly scores: readonly number[] | null;
  readonly scoreThreshold: number;
  /** How far the image's colour statistics are from the training photos'; null when the model does not carry them. */
  readonly domain: { readonly spreads: number; readonly feature: string; readonly trainingImages: number; readonly dataset: string | null } | null;
  /** What the user typed in "Looking for"; '' (or absent): everything the model knows. */
  readonly lookingFor?: string;
  /** The other models the user can pick, for "the raccoon model knows raccoon". */
  readonly otherModels?: readonly { readonly name: string; readonly classNames: readonly string[] }[];
}

export type ModelFitReason = 'mismatch' | 'unlike' | 'nothing' | 'weak';

/** The model's own spelling of the class the user looks for (case-insensitive, spaces around ignored); null: none. */
export function knownClass(lookingFor: string, classNames: readonly string[]): string | null {
  const wanted = lookingFor.trim().toLowerCase();
  if (wanted === '') return null;
  return classNames.find((name) => name.toLowerCase() === wanted) ?? null;
}

/** "WBC, RBC and Platelets". */
function inWords(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Rule 0: the model has no class by that name; who has, if anybody. */
function mismatchText(lookingFor: string, classNames: readonly string[], others: NonNullable<ModelFitInput['otherModels']>): string {
  const wanted = lookingFor.trim();
  const knowers = others.flatMap((m) => {
    const name = knownClass(wanted, m.classNames);
    return name == null ? [] : [{ model: m.name, name }];
  });
  const fineTune = 'fine-tune one on your photos (Annotate, then Fine-tune)';
  const knows = classNames.length ? `This model knows ${inWords(classNames)} — not “${wanted}”.` : `This model does not know “${wanted}”.`;
  if (knowers.length === 0) return `${knows} No other model here knows it: ${fineTune}.`;
  const who = knowers.map((k) => `the ${k.model} model knows ${k.name}`).join('; ');
  return `${knows} T${who.slice(1)}: pick ${knowers.length === 1 ? 'it' : 'one'} above, or ${fineTune}.`;
}

export interface ModelFitHint {
  readonly reasons: readonly ModelFitReason[];
  readonly text: string;
}

export function modelFitHint(input: ModelFitInput): ModelFitHint | null {
  const { classNames, scores, scoreThreshold, domain } = input;
  const lookingFor = input.lookingFor ?? '';
  const reasons: ModelFitReason[] = [];
  const sentences: string[] = [];
  const looked = knownClass(lookingFor, classNames);
  const mismatch = lookingFor.trim() !== '' && looked == null;
  if (mismatch) {
    reasons.push('mismatch');
    sentences.push(mismatchText(lookingFor, classNames, input.otherModels ?? []));
  }
  if (domain && domain.spreads > UNLIKE_SPREADS) {
    reasons.push('unlike');
    const photos = `the ${domain.trainingImages}${domain.dataset ? ` ${domain.dataset}` : ''} photos it was trained on`;
    sentences.push(`This image is unlike ${photos} (its ${domain.feature} is ${Math.round(domain.spreads)} standard deviations from theirs), so its detections here can be confident and still wrong.`);
  }
  const them = looked ?? 'them';
  const best = (scores ?? []).reduce((m, s) => Math.max(m, s), -Infinity);
  if (scores == null || mismatch) {
    // no run to judge yet; or the detections shown are of other classes than the one asked for: rule 0 said so
  } else if (scores.length === 0) {
    reasons.push('nothing');
    sentences.push(`Nothing here looks like ${them} with a score above ${scoreThreshold.toFixed(2)}; the image may be outside what it was trained on.`);
  } else if (best < WEAK_SCORE) {
    reasons.push('weak');
    sentences.push(`Its best detection scores only ${best.toFixed(2)}: nothing here looks like ${them} with confidence; the image may be outside what it was trained on.`);
  }
  if (reasons.length === 0) return null;
  const text = sentences.join(' ');
  return { reasons, text: mismatch ? text : `This model knows: ${classNames.join(', ')}. ${text}` };
}
