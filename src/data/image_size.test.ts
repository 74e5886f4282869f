import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { imageSizeFromBytes } from './image_size';

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('imageSizeFromBytes', () => {
  it('reads PNG, GIF, BMP and WebP headers', () => {
    const png = bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13], 'IHDR', [0, 0, 1, 0x2c, 0, 0, 0, 0xc8]);
    expect(imageSizeFromBytes(png)).toEqual({ width: 300, height: 200 });
    expect(imageSizeFromBytes(bytes('GIF89a', [0x2c, 1, 0xc8, 0]))).toEqual({ width: 300, height: 200 });
    const bmp = new Uint8Array(26);
    bmp.set(bytes('BM'));
    new DataView(bmp.buffer).setInt32(18, 300, true);
    new DataView(bmp.buffer).setInt32(22, -200, true); // top-down BMPs store a negative height
    expect(imageSizeFromBytes(bmp)).toEqual({ width: 300, height: 200 });
    const webp = new Uint8Array(30);
    webp.set(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X'));
    webp.set([299 & 0xff, 299 >> 8, 0, 199, 0, 0], 24);
    expect(imageSizeFromBytes(webp)).toEqual({ width: 300, height: 200 });
  });

  it('walks JPEG segments to the SOF marker', () => {
    const app0 = [0xff, 0xe0, 0, 4, 0, 0];
    const sof = [0xff, 0xc2, 0, 11, 8, 0x01, 0xe0, 0x02, 0x80, 3, 0, 0, 0];
    expect(imageSizeFromBytes(new Uint8Array([0xff, 0xd8, ...app0, ...sof]))).toEqual({ width: 640, height: 480 });
  });

  it('reads a real dataset JPEG and gives undefined for anything else', () => {
    const jpg = readFileSync(fileURLToPath(new URL('../../../shared/datasets/bccd/JPEGImages/BloodImage_00000.jpg', import.meta.url)));
    expect(imageSizeFromBytes(jpg)).toEqual({ width: 640, height: 480 });
    expect(imageSizeFromBytes(bytes('hello world, not an image'))).toBeUndefined();
    expect(imageSizeFromBytes(new Uint8Array([0xff, 0xd8, 0xff]))).toBeUndefined();
  });
});
