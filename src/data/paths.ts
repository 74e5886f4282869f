/** Path helpers for '/'-separated relative paths (a dropped folder, or a directory read by Node). */

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  'jpg', 'jpeg', 'png', 'bmp', 'gif', 'webp', 'tif', 'tiff',
]);

export function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+/g, '/');
}

export function baseName(path: string): string {
  const p = normalizePath(path);
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Directory part without the trailing '/', '' at the root. */
export function dirName(path: string): string {
  const p = normalizePath(path);
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** Lower-case extension without the dot, '' when none. */
export function extension(path: string): string {
  const b = baseName(path);
  const i = b.lastIndexOf('.');
  return i <= 0 ? '' : b.slice(i + 1).toLowerCase();
}

/** File name without its extension. */
export function stem(path: string): string {
  const b = baseName(path);
  const i = b.lastIndexOf('.');
  return i <= 0 ? b : b.slice(0, i);
}

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extension(path));
}
