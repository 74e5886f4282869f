/**
 * What a file's bytes say about it before any decoder runs: its format (from the signature, never the extension),
 * its size as stored, its EXIF orientation (JPEG), the size it has once shown upright, whether it can carry
 * transparency, and whether it ends where its format says it should (truncation). Pure: the browser decoder in
 * image_decode.ts uses it to plan a downscale and to explain a failure; the dataset import uses the upright size.
 *
 * Frames: the app works in the UPRIGHT frame, the pixels as a browser shows them (createImageBitmap always applies
 * the EXIF orientation in current Chromium; OpenCV's imread does the same). Boxes, annotation sizes and exported
 * VOC <size> are all in that frame.
 */
import type { ImageSize } from '../geometry/box';
import { imageSizeFromBytes } from './image_size';

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'bmp' | 'webp';

export interface ImageHeader {
  readonly format: ImageFormat;
  /** Width and height as stored in the file; undefined when the header does not say (or says 0). */
  readonly storedSize?: ImageSize;
  /** The header's own numbers, even when one of them is 0 (a 0 x 0 PNG). */
  readonly declaredSize?: ImageSize;
  /** EXIF orientation 1..8 (1 = upright; 5..8 swap width and height). */
  readonly orientation: number;
  /** storedSize with the orientation applied. */
  readonly uprightSize?: ImageSize;
  /** False when the file ends before the format's end marker (JPEG EOI, PNG IEND, GIF trailer). */
  readonly complete: boolean;
  /** The format can hold transparency (PNG with alpha or tRNS, GIF, WebP, 32-bit BMP). */
  readonly mayHaveAlpha: boolean;
}

/** Reads the header; null when the bytes are not one of the formats above. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const format = sniffFormat(bytes);
  if (format === null) return null;
  const storedSize = imageSizeFromBytes(bytes);
  const orientation = format === 'jpeg' ? jpegOrientation(bytes) : 1;
  const uprightSize = storedSize && orientation >= 5 ? { width: storedSize.height, height: storedSize.width } : storedSize;
  return {
    format, storedSize, declaredSize: declaredSize(format, bytes), orientation, uprightSize,
    complete: isComplete(format, bytes), mayHaveAlpha: mayHaveAlpha(format, bytes),
  };
}

export function sniffFormat(b: Uint8Array): ImageFormat | null {
  const ascii = (o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 3) === 'PNG') return 'png';
  if (b.length >= 6 && ascii(0, 4) === 'GIF8') return 'gif';
  if (b.length >= 14 && ascii(0, 2) === 'BM') return 'bmp';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return 'webp';
  return null;
}

/** What a non-image looks like, for the error message ("it looks like a PDF"); null when unrecognisable. */
export function describeNonImage(b: Uint8Array): string | null {
  const head = String.fromCharCode(...b.subarray(0, 512));
  if (head.startsWith('%PDF')) return 'a PDF document';
  if (head.startsWith('PK\x03\x04')) return 'a ZIP archive (or an Office document)';
  if (/^\s*<svg[\s>]/i.test(head) || (/^\s*<\?xml/.test(head) && /<svg[\s>]/i.test(head))) return 'an SVG drawing (vector images are not supported)';
  if (/^\s*<(!doctype html|html)/i.test(head)) return 'a web page (HTML)';
  if (head.startsWith('\x00\x00\x00') && head.slice(4, 8) === 'ftyp') {
    return /ftyp(heic|heix|mif1|avif)/.test(head) ? 'a HEIC/AVIF image, which this app cannot read' : 'a video (MP4/MOV)';
  }
  if (head.startsWith('II*\x00') || head.startsWith('MM\x00*')) return 'a TIFF image, which browsers cannot decode';
  if (b.length > 0 && b.subarray(0, 512).every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128)) return 'a text file';
  return null;
}

/** The EXIF Orientation tag (0x0112) of a JPEG's APP1 segment; 1 when there is none or it is out of range. */
export function jpegOrientation(b: Uint8Array): number {
  let o = 2;
  while (o + 4 <= b.length && b[o] === 0xff) {
    const marker = b[o + 1];
    if (marker === 0xda || marker === 0xd9) break; // image data starts: no EXIF after this
    const length = (b[o + 2] << 8) | b[o + 3];
    if (marker === 0xe1 && o + 10 <= b.length && String.fromCharCode(...b.subarray(o + 4, o + 10)) === 'Exif\0\0') {
      return tiffOrientation(b.subarray(o + 10, Math.min(b.length, o + 2 + length)));
    }
    o += 2 + length;
  }
  return 1;
}

function tiffOrientation(t: Uint8Array): number {
  if (t.length < 8) return 1;
  const little = t[0] === 0x49 && t[1] === 0x49;
  if (!little && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
  const u16 = (o: number) => (little ? t[o] | (t[o + 1] << 8) : (t[o] << 8) | t[o + 1]);
  const u32 = (o: number) => (little ? u16(o) + u16(o + 2) * 65536 : u16(o) * 65536 + u16(o + 2));
  const ifd = u32(4);
  if (ifd + 2 > t.length) return 1;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const e = ifd + 2 + 12 * i;
    if (e + 12 > t.length) return 1;
    if (u16(e) === 0x0112) {
      const value = u16(e + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

function declaredSize(format: ImageFormat, b: Uint8Array): ImageSize | undefined {
  const u32be = (o: number) => ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
  if (format === 'png' && b.length >= 24) return { width: u32be(16), height: u32be(20) };
  if (format === 'gif' && b.length >= 10) return { width: b[6] | (b[7] << 8), height: b[8] | (b[9] << 8) };
  return imageSizeFromBytes(b);
}

function mayHaveAlpha(format: ImageFormat, b: Uint8Array): boolean {
  if (format === 'jpeg') return false;
  if (format === 'bmp') return b.length > 29 && (b[28] | (b[29] << 8)) === 32;
  if (format !== 'png') return true;
  if (b.length > 25 && (b[25] === 4 || b[25] === 6)) return true; // gray+alpha, RGBA
  return pngChunkTypes(b).includes('tRNS');
}

function pngChunkTypes(b: Uint8Array): string[] {
  const types: string[] = [];
  for (let o = 8; o + 8 <= b.length; ) {
    const length = ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
    types.push(String.fromCharCode(...b.subarray(o + 4, o + 8)));
    o += 12 + length;
  }
  return types;
}

function isComplete(format: ImageFormat, b: Uint8Array): boolean {
  if (format === 'png') {
    const types = pngChunkTypes(b);
    return types[types.length - 1] === 'IEND' && pngEndsInside(b);
  }
  if (format === 'jpeg') return jpegHasEnd(b);
  if (format === 'gif') return b.lastIndexOf(0x3b) > 13;
  return true; // BMP and WebP: the decoder is the judge
}

/** The last chunk walked really fits in the file (the walk above stops at a partial chunk header only). */
function pngEndsInside(b: Uint8Array): boolean {
  let o = 8;
  while (o + 8 <= b.length) {
    const length = ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
    if (o + 12 + length > b.length) return false;
    o += 12 + length;
  }
  return true;
}

/** An EOI marker (FF D9) after the first SOS: scans the entropy-coded data, where FF is followed by 00 or RSTn. */
function jpegHasEnd(b: Uint8Array): boolean {
  let o = 2;
  while (o + 2 <= b.length) {
    if (b[o] !== 0xff) return false;
    const marker = b[o + 1];
    if (marker === 0xd9) return true;
    if (o + 4 > b.length) return false;
    if (marker === 0xff) {
      o++;
      continue;
    }
    const length = (b[o + 2] << 8) | b[o + 3];
    if (marker !== 0xda) {
      o += 2 + length;
      continue;
    }
    // scan data: the next marker is FF xx with xx neither 00 (stuffing) nor D0..D7 (restart)
    o += 2 + length;
    while (o + 1 < b.length && !(b[o] === 0xff && b[o + 1] !== 0 && (b[o + 1] < 0xd0 || b[o + 1] > 0xd7))) o++;
  }
  return false;
}
