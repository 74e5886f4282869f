import { describe, expect, it } from 'vitest';
import { describeNonImage, jpegOrientation, readImageHeader, sniffFormat } from './image_header';
import { jpegSkeleton, pngFile, truncated, withExifOrientation, zeroSizePng } from './testing/image_files';

const rgbPng = (width: number, height: number) => pngFile({ width, height, colorType: 2, row: () => new Uint8Array(width * 3) });

describe('readImageHeader', () => {
  it('reads format, size and completeness of a JPEG and a PNG', () => {
    expect(readImageHeader(jpegSkeleton(640, 480))).toEqual({
      format: 'jpeg', storedSize: { width: 640, height: 480 }, declaredSize: { width: 640, height: 480 }, orientation: 1,
      uprightSize: { width: 640, height: 480 }, complete: true, mayHaveAlpha: false,
    });
    const png = readImageHeader(rgbPng(3, 2))!;
    expect([png.format, png.storedSize, png.complete, png.mayHaveAlpha]).toEqual(['png', { width: 3, height: 2 }, true, false]);
  });

  it('swaps width and height for EXIF orientations 5 to 8 only', () => {
    for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const header = readImageHeader(withExifOrientation(jpegSkeleton(640, 480), orientation))!;
      expect(header.orientation).toBe(orientation);
      expect(header.storedSize).toEqual({ width: 640, height: 480 });
      expect(header.uprightSize).toEqual(orientation >= 5 ? { width: 480, height: 640 } : { width: 640, height: 480 });
    }
  });

  it('reads little-endian EXIF, and treats a missing or out-of-range orientation as upright', () => {
    const big = withExifOrientation(jpegSkeleton(8, 8), 6);
    const little = Buffer.from(big);
    const tiff = 2 + 4 + 6; // SOI, APP1 marker and length, "Exif\0\0"
    little.write('II', tiff, 'latin1');
    little.writeUInt16LE(42, tiff + 2);
    little.writeUInt32LE(8, tiff + 4);
    little.writeUInt16LE(1, tiff + 8);
    little.writeUInt16LE(0x0112, tiff + 10);
    little.writeUInt16LE(3, tiff + 12);
    little.writeUInt32LE(1, tiff + 14);
    little.writeUInt16LE(8, tiff + 18);
    expect(jpegOrientation(little)).toBe(8);
    expect(jpegOrientation(jpegSkeleton(8, 8))).toBe(1);
    expect(jpegOrientation(withExifOrientation(jpegSkeleton(8, 8), 9))).toBe(1);
    expect(jpegOrientation(truncated(big, 0.3))).toBe(1);
  });

  it('notices a file cut short (JPEG without EOI, PNG without IEND)', () => {
    const jpeg = jpegSkeleton(640, 480);
    expect(readImageHeader(jpeg.subarray(0, jpeg.length - 2))!.complete).toBe(false);
    expect(readImageHeader(truncated(jpeg))!.complete).toBe(false);
    const png = rgbPng(50, 50);
    expect(readImageHeader(truncated(png))!.complete).toBe(false);
    expect(readImageHeader(png.subarray(0, png.length - 12))!.complete).toBe(false);
    // bytes after EOI (some cameras append data) do not make a JPEG incomplete
    expect(readImageHeader(Buffer.concat([jpeg, Buffer.from('trailer')]))!.complete).toBe(true);
  });

  it('keeps the 0 x 0 a PNG declares (the stored size is undefined)', () => {
    const header = readImageHeader(zeroSizePng())!;
    expect(header.declaredSize).toEqual({ width: 0, height: 0 });
    expect(header.storedSize).toBeUndefined();
  });

  it('says which PNGs can be transparent', () => {
    expect(readImageHeader(pngFile({ width: 1, height: 1, colorType: 6, row: () => new Uint8Array(4) }))!.mayHaveAlpha).toBe(true);
    expect(readImageHeader(pngFile({ width: 1, height: 1, colorType: 0, row: () => new Uint8Array(1) }))!.mayHaveAlpha).toBe(false);
  });

  it('goes by the bytes, not the name: text, PDF, HTML, zip and random bytes are not images', () => {
    expect(sniffFormat(Buffer.from('hello'))).toBeNull();
    expect(readImageHeader(new Uint8Array(0))).toBeNull();
    expect(describeNonImage(Buffer.from('just some notes\n'))).toBe('a text file');
    expect(describeNonImage(Buffer.from('%PDF-1.7\n'))).toBe('a PDF document');
    expect(describeNonImage(Buffer.from('<!DOCTYPE html><html>'))).toBe('a web page (HTML)');
    expect(describeNonImage(Buffer.from('PK\x03\x04rest', 'latin1'))).toContain('ZIP');
    expect(describeNonImage(Buffer.from('<?xml version="1.0"?><svg width="1">'))).toContain('SVG');
    expect(describeNonImage(Uint8Array.of(0, 1, 2, 3, 200))).toBeNull();
  });
});
