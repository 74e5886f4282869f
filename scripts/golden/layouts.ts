/**
 * Every golden-file layout the conformance command knows, tried in order; the first whose `matches` accepts
 * the file runs it. To add one, write scripts/golden/<name>_layout.ts exporting a GoldenLayout (types.ts)
 * and add it to this list.
 */
import { nmsLayout } from './nms_layout';
import { roiPoolLayout } from './roi_pool_layout';
import type { GoldenLayout } from './types';
import { vocApLayout } from './voc_ap_layout';

export const layouts: readonly GoldenLayout[] = [
  nmsLayout,
  vocApLayout,
  roiPoolLayout,
];
