/**
 * Reads one dataset zip off the page's thread (inflating a large archive takes seconds): the page posts the File,
 * the worker answers with its entries (buffers transferred) or the DatasetError's reason and file.
 */
import { DatasetError } from '../../data/report';
import { readZip } from '../../data/zip_archive';

export interface ZipRequest {
  readonly file: File;
  readonly root: string;
}

export type ZipReply =
  | { readonly ok: true; readonly entries: { path: string; data: Uint8Array }[] }
  | { readonly ok: false; readonly reason: string; readonly file?: string };

self.onmessage = async (event: MessageEvent<ZipRequest>) => {
  const { file, root } = event.data;
  let reply: ZipReply;
  try {
    reply = { ok: true, entries: readZip(new Uint8Array(await file.arrayBuffer()), file.name, root) };
  } catch (e) {
    reply = e instanceof DatasetError ? { ok: false, reason: e.reason, file: e.file }
      : { ok: false, reason: `could not be read (${e instanceof Error ? e.message : String(e)})`, file: file.name };
  }
  (self as unknown as Worker).postMessage(reply, reply.ok ? reply.entries.map((e) => e.data.buffer as ArrayBuffer) : []);
};
