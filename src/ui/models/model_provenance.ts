/** Where a model came from, in one line for the Detect tab's model picker. Pure: no DOM. */
import { pluralize } from '../../data/plural';
import type { ModelInfo } from './model_registry';

const photos = (n: number): string => pluralize(n, 'photo');
const mAP = (value: number, images: number | null): string => `${value.toFixed(2)}${images ? ` on ${photos(images)}` : ''}`;

export function provenanceText(info: Pick<ModelInfo, 'origin' | 'description' | 'source'>): string {
  const origin = info.origin;
  switch (origin.kind) {
    case 'shipped':
      return `shipped: trained on ${origin.dataset}, ${photos(origin.images)}${origin.testMAP == null ? '' : `, test mAP ${mAP(origin.testMAP, origin.testImages)}`}`;
    case 'trained': {
      const on = origin.images == null ? 'trained here' : `trained here on ${photos(origin.images)}`;
      return origin.heldOutMAP == null ? `${on}, not evaluated on held-out photos` : `${on}, held-out mAP ${mAP(origin.heldOutMAP, origin.heldOutImages)}`;
    }
    case 'uploaded':
      return `uploaded from ${origin.file}: what it was trained on is not recorded`;
    case 'copy':
      return `a copy of ${origin.of}`;
    default:
      return info.source === 'default' ? info.description : `saved in this browser: ${info.description}`;
  }
}
