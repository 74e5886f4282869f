import { describe, expect, it } from 'vitest';
import { crc32 as nodeCrc32 } from 'node:zlib';
import { unzipSync } from 'fflate';
import { crc32, zip } from './zip';

/** Central-directory records of a ZIP without an archive comment (PKWARE APPNOTE 6.3 §4.3.12, §4.3.16). */
function centralDirectory(bytes: Uint8Array): { name: string; crc: number; size: number; localOffset: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const records = [];
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const nameLength = view.getUint16(at + 28, true);
    const extra = view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    records.push({
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      crc: view.getUint32(at + 16, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + extra;
  }
  return records;
}

describe('zip', () => {
  it('crc32 of "123456789" is the check value cbf43926', () => {
    expect(crc32(new TextEncoder().encode('123456789')).toString(16)).toBe('cbf43926');
  });

  // fflate is the independent reader (names and contents); Node's zlib checks every CRC the archive declares.
  it('writes an archive that a standard reader lists and extracts, with correct CRCs', async () => {
    const files = {
      'Annotations/a.xml': new TextEncoder().encode('<annotation/>'),
      'JPEGImages/a.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
      'Annotations/ünïcode.xml': new TextEncoder().encode('<annotation><name>RBC</name></annotation>'),
    };
    const blob = zip(Object.entries(files).map(([path, data]) => ({ path, data })));
    const bytes = new Uint8Array(await blob.arrayBuffer());

    const extracted = unzipSync(bytes);
    expect(Object.keys(extracted)).toEqual(Object.keys(files));
    for (const [path, data] of Object.entries(files)) expect(extracted[path]).toEqual(data);

    const records = centralDirectory(bytes);
    expect(records.map((r) => r.name)).toEqual(Object.keys(files));
    for (const record of records) {
      const data = files[record.name as keyof typeof files];
      expect(record.crc).toBe(nodeCrc32(data));
      expect(record.size).toBe(data.length);
      const local = new DataView(bytes.buffer, bytes.byteOffset + record.localOffset, 30);
      expect(local.getUint32(0, true)).toBe(0x04034b50);
      expect(local.getUint32(14, true)).toBe(record.crc);
    }
  });
});
