/**
 * Image files for the image-hardening tests, made in Node from bytes (no image library): PNGs of any size through
 * zlib, an EXIF APP1 segment with an orientation spliced into a JPEG, and the damaged variants (truncated, 0x0).
 * Real JPEGs come from the browser (canvas.toBlob) or from e2e/fixtures/images/; Node tests use jpegSkeleton().
 */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

export interface PngOptions {
  readonly width: number;
  readonly height: number;
  /** 0 gray, 2 RGB, 3 palette, 6 RGBA (8 bits per sample). */
  readonly colorType: 0 | 2 | 3 | 6;
  /** The samples of row y (width × samples bytes), without the filter byte. */
  readonly row: (y: number) => Uint8Array;
  /** RGB triples, for colour type 3. */
  readonly palette?: readonly (readonly [number, number, number])[];
}

const SAMPLES = { 0: 1, 2: 3, 3: 1, 6: 4 } as const;

export function pngFile(options: PngOptions): Buffer {
  const { width, height, colorType } = options;
  const stride = width * SAMPLES[colorType] + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) raw.set(options.row(y), y * stride + 1); // filter byte 0 (none)
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (options.palette) parts.push(chunk('PLTE', Uint8Array.from(options.palette.flat())));
  parts.push(chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

/** A 1 x 1 PNG whose IHDR claims `width` x `height` (checksum kept valid): 0 x 0, or too large to decode. */
export function pngClaimingSize(width: number, height: number): Buffer {
  const png = pngFile({ width: 1, height: 1, colorType: 0, row: () => Uint8Array.of(0) });
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29);
  return png;
}

/** A PNG whose IHDR says 0 x 0 (every decoder refuses it). */
export function zeroSizePng(): Buffer {
  return pngClaimingSize(0, 0);
}

/** The first `fraction` of a file, as a download cut short leaves it. */
export function truncated(file: Uint8Array, fraction = 0.5): Buffer {
  return Buffer.from(file.subarray(0, Math.floor(file.length * fraction)));
}

/**
 * `jpeg` with an Exif APP1 segment holding only the Orientation tag (0x0112) inserted right after SOI.
 * Orientation: 1 upright, 3 rotated 180°, 6 to be rotated 90° clockwise for display, 8 90° anticlockwise.
 */
export function withExifOrientation(jpeg: Uint8Array, orientation: number): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'latin1'); // big-endian TIFF header
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4); // IFD0 at offset 8
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x0112, 10); // Orientation
  tiff.writeUInt16BE(3, 12); // SHORT
  tiff.writeUInt32BE(1, 14); // count
  tiff.writeUInt16BE(orientation, 18); // value, left-justified in the 4-byte field
  tiff.writeUInt32BE(0, 22); // no next IFD
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), segment, body, jpeg.subarray(2)]);
}

/**
 * The marker structure of a baseline JPEG (SOI, APP0, SOF0 with the size, SOS, a few bytes of scan data with a
 * stuffed FF 00 and a restart marker, EOI), for header tests in Node; not a picture a decoder would show.
 */
export function jpegSkeleton(width: number, height: number): Buffer {
  const app0 = [0xff, 0xe0, 0, 16, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof0 = [0xff, 0xc0, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0];
  const sos = [0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0];
  const scan = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56];
  return Buffer.from([0xff, 0xd8, ...app0, ...sof0, ...sos, ...scan, 0xff, 0xd9]);
}

/** A 24-bit BMP (rows bottom-up, BGR, padded to 4 bytes) of `width` x `height` in one RGB colour. */
export function bmpFile(width: number, height: number, rgb: readonly [number, number, number]): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + stride * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10); // pixel data offset
  out.writeUInt32LE(40, 14); // BITMAPINFOHEADER
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26); // planes
  out.writeUInt16LE(24, 28); // bits per pixel
  out.writeUInt32LE(stride * height, 34);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out.set([rgb[2], rgb[1], rgb[0]], 54 + y * stride + 3 * x);
  }
  return out;
}

