/**
 * Zips among the chosen files become the files inside them, each with its path in the zip under the zip's name
 * (what a folder import gives: the folder's name first), so layout detection treats a zipped dataset, the app's
 * own VOC export included, exactly like the unpacked folder. The zip is read by fflate (data/zip_archive.ts).
 */
import { baseName, extension, stem } from '../../data/paths';
import { readZip } from '../../data/zip_archive';

const MIME: Readonly<Record<string, string>> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif',
  webp: 'image/webp', bmp: 'image/bmp', tif: 'image/tiff', tiff: 'image/tiff' };

export function isZipFile(file: File): boolean {
  return extension(file.name) === 'zip';
}

/** The files, with every zip replaced by its contents; throws a DatasetError for an unreadable zip. */
export async function expandZipFiles(files: readonly File[]): Promise<File[]> {
  if (!files.some(isZipFile)) return [...files];
  const out: File[] = [];
  for (const file of files) {
    if (!isZipFile(file)) {
      out.push(file);
      continue;
    }
    for (const entry of readZip(new Uint8Array(await file.arrayBuffer()), file.name, stem(file.name))) {
      const inner = new File([entry.data as BlobPart], baseName(entry.path), { type: MIME[extension(entry.path)] ?? '' });
      // the folder import's Files carry their path here; the import reads it from the same place
      Object.defineProperty(inner, 'webkitRelativePath', { value: entry.path });
      out.push(inner);
    }
  }
  return out;
}
