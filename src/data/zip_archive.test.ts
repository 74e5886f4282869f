import { crc32 as nodeCrc32, inflateRawSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './report';
import { isArchiveJunk, readZip, writeZip } from './zip_archive';

const text = (s: string) => new TextEncoder().encode(s);

/** Central-directory records of a ZIP without an archive comment (PKWARE APPNOTE 6.3 §4.3.12, §4.3.16). */
function centralDirectory(bytes: Uint8Array): { name: string; method: number; crc: number; size: number; local: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  let at = view.getUint32(end + 16, true);
  return Array.from({ length: view.getUint16(end + 10, true) }, () => {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    const record = { name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true), crc: view.getUint32(at + 16, true), size: view.getUint32(at + 24, true),
      local: view.getUint32(at + 42, true) };
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    return record;
  });
}

describe('writeZip', () => {
  // Node's zlib is the independent reader: it checks every CRC and inflates what was deflated
  it('writes an archive a standard reader extracts: images stored, text deflated, CRCs right, UTF-8 names', () => {
    const files = {
      'Annotations/a.xml': text('<annotation>' + '<object/>'.repeat(50) + '</annotation>'),
      'JPEGImages/a.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
      'Annotations/ünïcode.xml': text('<annotation><name>RBC</name></annotation>'),
    };
    const bytes = writeZip(Object.entries(files).map(([path, data]) => ({ path, data })));
    const records = centralDirectory(bytes);
    expect(records.map((r) => r.name)).toEqual(Object.keys(files));
    expect(records.map((r) => r.method)).toEqual([8, 0, 8]);
    for (const r of records) {
      const data = files[r.name as keyof typeof files];
      expect(r.crc).toBe(nodeCrc32(data));
      expect(r.size).toBe(data.length);
      const view = new DataView(bytes.buffer, bytes.byteOffset + r.local, 30);
      const start = r.local + 30 + view.getUint16(26, true) + view.getUint16(28, true);
      const stored = bytes.subarray(start, start + view.getUint32(18, true));
      expect(new Uint8Array(r.method === 8 ? inflateRawSync(stored) : stored)).toEqual(data);
    }
  });

  it('refuses two entries with one path', () => {
    expect(() => writeZip([{ path: 'a.txt', data: text('1') }, { path: 'a.txt', data: text('2') }])).toThrow(/two files/);
  });
});

describe('readZip', () => {
  it('lists the files under the zip name, nested folders kept, folder entries and archiver junk left out', () => {
    const bytes = zipSync({
      'data/': new Uint8Array(0),
      'data/Annotations/a.xml': text('<annotation/>'),
      'data/JPEGImages/a.jpg': [new Uint8Array([1, 2, 3]), { level: 0 }],
      '__MACOSX/data/._a.jpg': text('junk'),
      'data/._b.jpg': text('junk'),
      'data/.DS_Store': text('junk'),
    });
    const entries = readZip(bytes, 'set.zip', 'set');
    expect(entries.map((e) => e.path).sort()).toEqual(['set/data/Annotations/a.xml', 'set/data/JPEGImages/a.jpg']);
    expect(entries.find((e) => e.path.endsWith('a.jpg'))!.data).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('reads back what writeZip wrote', () => {
    const entries = [{ path: 'x/y.csv', data: text('a,b\n') }, { path: 'z.png', data: new Uint8Array([9, 8]) }];
    expect(readZip(writeZip(entries), 'e.zip', 'e')).toEqual(entries.map((e) => ({ ...e, path: `e/${e.path}` })));
  });

  it('a damaged archive is a DatasetError naming the zip', () => {
    const bytes = writeZip([{ path: 'a.xml', data: text('<annotation/>') }]);
    for (const bad of [bytes.subarray(0, bytes.length - 30), text('not a zip')]) {
      const error = (() => { try { readZip(bad, 'broken.zip', 'broken'); } catch (e) { return e; } })();
      expect(error).toBeInstanceOf(DatasetError);
      expect((error as Error).message).toMatch(/^broken\.zip: not a readable zip archive/);
    }
  });

  it('knows archiver junk', () => {
    expect(['a/', '__MACOSX/x.jpg', 'd/._x.jpg', 'd/.DS_Store', 'Thumbs.db'].every(isArchiveJunk)).toBe(true);
    expect(['a.jpg', 'd/x._y.jpg', 'MACOSX/a.xml'].some(isArchiveJunk)).toBe(false);
  });
});
