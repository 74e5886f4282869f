/**
 * An image's pixel size from the first bytes of its file (JPEG SOF, PNG IHDR, GIF, BMP, WebP), without decoding.
 * Returns undefined for anything it does not recognise.
 * EXIF orientation is not applied: the size is the stored one. The app works in the upright frame, so callers go
 * through readImageHeader (image_header.ts), which adds the orientation and the upright size.
 */
import type { ImageSize } from '../geometry/box';

export function imageSizeFromBytes(bytes: Uint8Array): ImageSize | undefined {
  const b = bytes;
  const u16be = (o: number) => (b[o] << 8) | b[o + 1];
  const u16le = (o: number) => b[o] | (b[o + 1] << 8);
  const u32be = (o: number) => ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
  const u32le = (o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + ((b[o + 3] << 24) >>> 0);
  const ascii = (o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));
  const ok = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : undefined);
  if (b.length >= 24 && b[0] === 0x89 && ascii(1, 3) === 'PNG') return ok(u32be(16), u32be(20));
  if (b.length >= 10 && ascii(0, 4) === 'GIF8') return ok(u16le(6), u16le(8));
  if (b.length >= 26 && ascii(0, 2) === 'BM') return ok(Math.abs(u32le(18) | 0), Math.abs(u32le(22) | 0));
  if (b.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return webpSize(b, u16le, u32le, ascii);
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpegSize(b, u16be);
  return undefined;
}

function jpegSize(b: Uint8Array, u16be: (o: number) => number): ImageSize | undefined {
  let o = 2;
  while (o + 9 < b.length) {
    if (b[o] !== 0xff) return undefined;
    const marker = b[o + 1];
    if (marker === 0xff) {
      o++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      o += 2; // markers without a length
      continue;
    }
    // SOF0..SOF15 except DHT (c4), JPG (c8) and DAC (cc) carry height then width
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = u16be(o + 5);
      const width = u16be(o + 7);
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    o += 2 + u16be(o + 2);
  }
  return undefined;
}

function webpSize(
  b: Uint8Array,
  u16le: (o: number) => number,
  u32le: (o: number) => number,
  ascii: (o: number, n: number) => string,
): ImageSize | undefined {
  const chunk = ascii(12, 4);
  if (chunk === 'VP8 ') return { width: u16le(26) & 0x3fff, height: u16le(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = u32le(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const w = 1 + (b[24] | (b[25] << 8) | (b[26] << 16));
    const h = 1 + (b[27] | (b[28] << 8) | (b[29] << 16));
    return { width: w, height: h };
  }
  return undefined;
}
