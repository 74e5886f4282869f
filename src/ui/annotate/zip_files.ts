/**
 * Zips among the chosen files become the files inside them, each with its path in the zip under the zip's name
 * (what a folder import gives: the folder's name first), so layout detection treats a zipped dataset, the app's
 * own VOC export included, exactly like the unpacked folder. The zip is read by fflate (data/zip_archive.ts) in a
 * worker: inflating a large archive would otherwise hold the page for seconds.
 */
import { baseName, extension, stem } from '../../data/paths';
import { DatasetError } from '../../data/report';
import type { ZipEntry } from '../../data/zip_archive';
import type { ZipReply, ZipRequest } from './zip_worker';

const MIME: Readonly<Record<string, string>> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif',
  webp: 'image/webp', bmp: 'image/bmp', tif: 'image/tiff', tiff: 'image/tiff' };

/** The path a file is imported under: its place in the chosen folder or zip, else its name. */
export function importPath(file: File): string {
  return (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
}

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
    for (const entry of await readZipOffThread(file)) {
      const inner = new File([entry.data as BlobPart], baseName(entry.path), { type: MIME[extension(entry.path)] ?? '' });
      // the folder import's Files carry their path here; the import reads it from the same place
      Object.defineProperty(inner, 'webkitRelativePath', { value: entry.path });
      out.push(inner);
    }
  }
  return out;
}

/** The zip's entries, read in a worker (zip_worker.ts) started for this zip and ended after it. */
function readZipOffThread(file: File): Promise<ZipEntry[]> {
  const worker = new Worker(new URL('./zip_worker.ts', import.meta.url), { type: 'module', name: 'frcnn-zip' });
  return new Promise<ZipEntry[]>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<ZipReply>) => {
      const reply = event.data;
      if (reply.ok) resolve(reply.entries);
      else reject(new DatasetError(reply.reason, reply.file));
    };
    worker.onerror = (event) => reject(new DatasetError(`could not be read: ${event.message || 'the zip reader stopped'}`, file.name));
    worker.postMessage({ file, root: stem(file.name) } satisfies ZipRequest);
  }).finally(() => worker.terminate());
}
