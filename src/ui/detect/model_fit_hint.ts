/**
 * The Detect tab's hint when the model's answer deserves doubt. Pure: no DOM.
 *
 * Scores alone are not an honest signal: the blood-cell model scores raccoon photos "WBC 0.95"-"WBC 0.99". What does
 * separate them is the photo itself: a stained slide and an outdoor photo differ plainly in colour and contrast, so
 * the image's colour statistics are compared with the training photos' (data/image_statistics.ts). Measured on the
 * test splits with the BCCD model: the 72 blood slides within 4.5 standard deviations (the 205 training slides
 * within 5.5), the 40 raccoon photos 20.8 or more away; UNLIKE_SPREADS sits between, with room on both sides. For the
 * raccoon model colour tells little (its photos vary widely: slides are 2.9-3.8 away, its own test photos up to 3.2),
 * so there the score rules carry the hint (5 of 6 slides tried: nothing above 0.5; one: "raccoon 0.75", no hint).
 * The rules, in order, each adding a sentence:
 * 1. unlike the training photos: the largest feature distance is over UNLIKE_SPREADS (only for models that carry
 *    their training photos' statistics: the shipped ones, and ones trained here on 8 or more photos);
 * 2. nothing above the score threshold;
 * 3. weak: the best detection scores under WEAK_SCORE.
 * Not used: the number of detections against the training set's typical count (a crop of a slide has few cells and
 * is not out of domain), and box sizes (a raccoon's "WBC" boxes cover 2-26 % of the photo, a real WBC 5-17 %).
 */
export const WEAK_SCORE = 0.7;
export const UNLIKE_SPREADS = 8;

export interface ModelFitInput {
  readonly classNames: readonly string[];
  /** Scores of the detections shown (above the score threshold). */
  readonly scores: readonly number[];
  readonly scoreThreshold: number;
  /** How far the image's colour statistics are from the training photos'; null when the model does not carry them. */
  readonly domain: { readonly spreads: number; readonly feature: string; readonly trainingImages: number; readonly dataset: string | null } | null;
}

export type ModelFitReason = 'unlike' | 'nothing' | 'weak';

export interface ModelFitHint {
  readonly reasons: readonly ModelFitReason[];
  readonly text: string;
}

export function modelFitHint(input: ModelFitInput): ModelFitHint | null {
  const { classNames, scores, scoreThreshold, domain } = input;
  const reasons: ModelFitReason[] = [];
  const sentences: string[] = [];
  if (domain && domain.spreads > UNLIKE_SPREADS) {
    reasons.push('unlike');
    const photos = `the ${domain.trainingImages}${domain.dataset ? ` ${domain.dataset}` : ''} photos it was trained on`;
    sentences.push(`This image is unlike ${photos} (its ${domain.feature} is ${Math.round(domain.spreads)} standard deviations from theirs), so its detections here can be confident and still wrong.`);
  }
  const best = scores.reduce((m, s) => Math.max(m, s), -Infinity);
  if (scores.length === 0) {
    reasons.push('nothing');
    sentences.push(`Nothing here looks like them with a score above ${scoreThreshold.toFixed(2)}; the image may be outside what it was trained on.`);
  } else if (best < WEAK_SCORE) {
    reasons.push('weak');
    sentences.push(`Its best detection scores only ${best.toFixed(2)}: nothing here looks like them with confidence; the image may be outside what it was trained on.`);
  }
  if (reasons.length === 0) return null;
  return { reasons, text: `This model knows: ${classNames.join(', ')}. ${sentences.join(' ')}` };
}
