import { describe, expect, it } from 'vitest';
import { checkBeforeDecode, classifyDecodeFailure, decodePlan, MAX_DECODED_SIDE, MAX_SOURCE_PIXELS } from './image_checks';
import { readImageHeader } from './image_header';
import { jpegSkeleton, pngFile, truncated, zeroSizePng } from './testing/image_files';

describe('decodePlan', () => {
  it('shrinks the longest side to the limit and keeps the factor', () => {
    expect(decodePlan({ width: 12000, height: 12000 })).toEqual({ width: MAX_DECODED_SIDE, height: MAX_DECODED_SIDE, scale: MAX_DECODED_SIDE / 12000 });
    expect(decodePlan({ width: 12000, height: 3000 }, 4000)).toEqual({ width: 4000, height: 1000, scale: 1 / 3 });
  });

  it('never enlarges, and keeps a 1-pixel side at 1 pixel', () => {
    expect(decodePlan({ width: 1, height: 1 })).toEqual({ width: 1, height: 1, scale: 1 });
    expect(decodePlan({ width: 640, height: 480 })).toEqual({ width: 640, height: 480, scale: 1 });
    expect(decodePlan({ width: 100000, height: 1 }, 1000)).toEqual({ width: 1000, height: 1, scale: 0.01 });
  });
});

describe('the messages a user reads', () => {
  const failure = (bytes: Uint8Array, name = 'photo.jpg', type = '') => classifyDecodeFailure(name, bytes, readImageHeader(bytes), type);

  it('refuses empty, 0 x 0 and oversized files before decoding', () => {
    expect(checkBeforeDecode('a.jpg', 0, null)?.kind).toBe('empty');
    expect(checkBeforeDecode('a.png', 60, readImageHeader(zeroSizePng()))?.message).toBe('“a.png” is 0 x 0 pixels: there is no picture in it. Export the image again.');
    const huge = checkBeforeDecode('pano.jpg', 1000, readImageHeader(jpegSkeleton(40000, 30000)))!;
    expect(huge.kind).toBe('too-large');
    expect(huge.message).toBe('“pano.jpg” is too large to decode: 40000 x 30000 (1200 megapixels), the limit is 268 megapixels (16384 x 16384). Shrink it first (4096 pixels on its longest side is plenty).');
    expect(checkBeforeDecode('big.jpg', 1000, readImageHeader(jpegSkeleton(12000, 12000)))).toBeNull();
    expect(12000 * 12000).toBeLessThan(MAX_SOURCE_PIXELS);
  });

  it('tells a non-image with an image extension from a damaged image', () => {
    expect(failure(Buffer.from('name,box\n'), 'labels.jpg').message).toBe('“labels.jpg” is not an image (it looks like a text file). Use a JPEG, PNG, WebP, GIF or BMP file.');
    expect(failure(Uint8Array.of(1, 2, 3, 200), 'x.bin', 'application/octet-stream').kind).toBe('not-image');
    expect(failure(Uint8Array.of(1, 2, 3, 200), 'x.avif', 'image/avif').kind).toBe('unsupported');
    const cut = failure(truncated(jpegSkeleton(640, 480)));
    expect(cut.kind).toBe('truncated');
    expect(cut.message).toContain('“photo.jpg” could not be read as an image: the JPEG file is truncated');
    expect(failure(truncated(pngFile({ width: 20, height: 20, colorType: 0, row: () => new Uint8Array(20) })), 'a.png').kind).toBe('truncated');
    expect(failure(jpegSkeleton(640, 480)).kind).toBe('corrupt');
    expect(failure(jpegSkeleton(640, 480)).message).toBe('“photo.jpg” could not be read as an image: the JPEG data is corrupt. Export or download it again.');
  });

  it('blames memory for a complete, very large file the browser could not decode', () => {
    const error = failure(jpegSkeleton(15000, 15000), 'scan.jpg');
    expect(error.kind).toBe('out-of-memory');
    expect(error.message).toContain('15000 x 15000');
  });
});
