import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, zip } from './zip';

const hasPython = (() => {
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

describe('zip', () => {
  it('crc32 of "123456789" is the check value cbf43926', () => {
    expect(crc32(new TextEncoder().encode('123456789')).toString(16)).toBe('cbf43926');
  });

  // Python's zipfile is the independent reader; machines without python3 skip this check.
  it.skipIf(!hasPython)('writes an archive that a standard reader lists and extracts', async () => {
    const blob = zip([
      { path: 'Annotations/a.xml', data: new TextEncoder().encode('<annotation/>') },
      { path: 'JPEGImages/a.jpg', data: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    const file = join(dir, 'x.zip');
    writeFileSync(file, new Uint8Array(await blob.arrayBuffer()));
    const check = `import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(z.namelist(), z.read('Annotations/a.xml').decode())`;
    const out = execFileSync('python3', ['-c', check, file]).toString();
    expect(out).toContain("['Annotations/a.xml', 'JPEGImages/a.jpg'] <annotation/>");
  });
});
