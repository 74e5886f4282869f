/**
 * A count with its noun, singular or plural as the count asks: "1 image", "0 images", "2 boxes". The one helper
 * for every message that counts something, so none says "1 objects".
 */
export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
