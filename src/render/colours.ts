/**
 * Class colours and text contrast. Boxes are drawn over arbitrary photos, so every colour is bright and every stroke
 * gets a dark halo (renderer.ts); label text is black or white, whichever contrasts more with the label's fill.
 */

/** Bright, mutually distinct hues; class id k (1-based) gets CLASS_PALETTE[(k - 1) % length]. */
export const CLASS_PALETTE: readonly string[] = [
  '#00e5ff', // cyan
  '#ffd600', // yellow
  '#76ff03', // lime
  '#ff4fd8', // magenta
  '#ff9100', // orange
  '#82b1ff', // sky
  '#c792ff', // violet
  '#1de9b6', // mint
  '#ff8a80', // coral
  '#f5f5f5', // white
];

/** Proposals are not a class: a neutral light grey, drawn faint. */
export const PROPOSAL_COLOUR = '#e0e0e0';

/** The proposals' density map: a deep blue that is none of the class colours and shows on pale slides and photos. */
export const DENSITY_COLOUR = '#3d5afe';

/** The RPN's objectness heatmap, its best proposals and a detection's anchor: a hot pink none of the classes use. */
export const RPN_COLOUR = '#f50057';

export function classColour(classId: number): string {
  const n = CLASS_PALETTE.length;
  return CLASS_PALETTE[(((classId - 1) % n) + n) % n];
}

/** WCAG relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG contrast ratio between two #rrggbb colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Black or white, whichever reads better on `background`. */
export function textColourOn(background: string): '#000000' | '#ffffff' {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}
