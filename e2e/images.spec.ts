/**
 * Images that are bad, odd or huge (issue 9, item 2), as the page decodes them (src/data/image_decode.ts) and as a
 * user meets them in the Detect tab. Files are made here: PNGs in Node (src/data/testing/image_files.ts), JPEGs
 * with the browser's own encoder, EXIF orientation spliced in; only the CMYK and 1-channel gray JPEGs are committed
 * (e2e/fixtures/images/, made once with ImageMagick).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type * as ApiImageInput from '../src/api/image_input';
import type * as ScaleResult from '../src/model/scale_result';
import type * as ImageDecode from '../src/data/image_decode';
import { bmpFile, pngClaimingSize, pngFile, truncated, withExifOrientation, zeroSizePng } from '../src/data/testing/image_files';
import { expect, REPO_ROOT, test } from './page_objects';

const FIXTURES = join(REPO_ROOT, 'e2e', 'fixtures', 'images');
type Rgba = [number, number, number, number];

/** A 200 x 100 JPEG from the browser's encoder: left half red, right half blue. */
async function redBlueJpeg(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(200, 100);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#f00';
    context.fillRect(0, 0, 100, 100);
    context.fillStyle = '#00f';
    context.fillRect(100, 0, 100, 100);
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 })).arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  });
  return Buffer.from(base64, 'base64');
}

/** 12000 x 12000, white with a red square at (3000..6000, 3000..6000): 0.6 MB as a palette PNG. */
function hugePng(): Buffer {
  const side = 12000;
  const plain = new Uint8Array(side);
  const square = new Uint8Array(side).fill(1, 3000, 6000);
  return pngFile({ width: side, height: side, colorType: 3, palette: [[255, 255, 255], [220, 30, 30]], row: (y) => (y >= 3000 && y < 6000 ? square : plain) });
}

type ImageDecodeModule = typeof ImageDecode;
interface Decoded { ok: true; width: number; height: number; bitmapWidth: number; bitmapHeight: number; pixels: Rgba[] }
interface Failed { ok: false; kind: string; message: string }

/** Decodes `file` in the page with decodeImageBlob and reads the bitmap at `points` (fractions of its size). */
async function decodeInPage(page: Page, name: string, file: Buffer, points: [number, number][] = [], maxSide?: number): Promise<Decoded | Failed> {
  return page.evaluate(async ({ name, data, points, maxSide }) => {
    const module = await window.harness.load('/src/data/image_decode.ts') as ImageDecodeModule;
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    try {
      const decoded = await module.decodeImageBlob(new File([bytes], name), name, { maxSide });
      const { bitmap } = decoded;
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const pixels = points.map(([fx, fy]) => [...context.getImageData(Math.floor(fx * bitmap.width), Math.floor(fy * bitmap.height), 1, 1).data] as Rgba);
      bitmap.close();
      return { ok: true as const, width: decoded.width, height: decoded.height, bitmapWidth: canvas.width, bitmapHeight: canvas.height, pixels };
    } catch (error) {
      const e = error as { kind?: string; message: string };
      return { ok: false as const, kind: e.kind ?? 'unexpected', message: e.message };
    }
  }, { name, data: file.toString('base64'), points, maxSide });
}

/** The stage's image canvas at an image point (what the user sees under a box corner). */
function stagePixel(page: Page, x: number, y: number): Promise<Rgba> {
  return page.evaluate(async ([x, y]) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="stage.image"]')!;
    const client = window.frcnnTestApi!.imageToClient(x, y);
    const rect = canvas.getBoundingClientRect();
    const dpr = canvas.width / rect.width;
    return [...canvas.getContext('2d')!.getImageData(Math.round((client.x - rect.left) * dpr), Math.round((client.y - rect.top) * dpr), 1, 1).data] as Rgba;
  }, [x, y] as const);
}

function near(actual: Rgba, expected: [number, number, number], tolerance = 40): boolean {
  return actual.every((v, i) => (i === 3 ? v === 255 : Math.abs(v - expected[i]) <= tolerance));
}

test.describe('when an image file is decoded', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/e2e/harness/index.html?backend=cpu');
    await page.evaluate(() => window.harness.ready);
  });

  test('bad files give a typed error that says what is wrong', async ({ page }) => {
    const jpeg = await redBlueJpeg(page);
    const png = pngFile({ width: 40, height: 30, colorType: 2, row: () => new Uint8Array(120).fill(90) });
    const cases: [string, Buffer, string, string][] = [
      ['half.jpg', truncated(jpeg), 'truncated', '“half.jpg” could not be read as an image: the JPEG file is truncated'],
      ['half.png', truncated(png), 'truncated', 'the PNG file is truncated'],
      ['notes.jpg', Buffer.from('these are my notes, not a photo\n'), 'not-image', '“notes.jpg” is not an image (it looks like a text file)'],
      ['report.png', Buffer.from('%PDF-1.7\n%âãÏÓ\n'), 'not-image', 'it looks like a PDF document'],
      ['empty.jpg', Buffer.alloc(0), 'empty', '“empty.jpg” is empty (0 bytes)'],
      ['zero.png', zeroSizePng(), 'zero-size', '“zero.png” is 0 x 0 pixels'],
      ['scan.png', pngClaimingSize(20000, 20000), 'too-large', '“scan.png” is too large to decode: 20000 x 20000'],
      ['garbled.jpg', Buffer.concat([jpeg.subarray(0, 200), Buffer.alloc(jpeg.length - 200, 0xff)]), 'truncated', 'truncated'],
    ];
    for (const [name, file, kind, message] of cases) {
      await test.step(name, async () => {
        const result = await decodeInPage(page, name, file);
        expect(result.ok).toBe(false);
        expect((result as Failed).kind).toBe(kind);
        expect((result as Failed).message).toContain(message);
      });
    }
  });

  test('odd but valid files decode upright, opaque and with sane colours', async ({ page }) => {
    const jpeg = await redBlueJpeg(page);
    await test.step('EXIF orientation 6 (rotate 90° clockwise): 100 x 200, red on top', async () => {
      const result = await decodeInPage(page, 'rot6.jpg', withExifOrientation(jpeg, 6), [[0.5, 0.1], [0.5, 0.9]]) as Decoded;
      expect([result.width, result.height, result.bitmapWidth, result.bitmapHeight]).toEqual([100, 200, 100, 200]);
      expect(near(result.pixels[0], [255, 0, 0]) && near(result.pixels[1], [0, 0, 255])).toBe(true);
    });
    await test.step('EXIF orientation 6 and shrinking together: the size asked for is the upright one', async () => {
      const result = await decodeInPage(page, 'rot6.jpg', withExifOrientation(jpeg, 6), [[0.5, 0.1], [0.5, 0.9]], 50) as Decoded;
      expect([result.width, result.height, result.bitmapWidth, result.bitmapHeight]).toEqual([100, 200, 25, 50]);
      expect(near(result.pixels[0], [255, 0, 0]) && near(result.pixels[1], [0, 0, 255])).toBe(true);
    });
    await test.step('EXIF orientation 3 (180°): blue on the left', async () => {
      const result = await decodeInPage(page, 'rot3.jpg', withExifOrientation(jpeg, 3), [[0.1, 0.5], [0.9, 0.5]]) as Decoded;
      expect([result.width, result.height]).toEqual([200, 100]);
      expect(near(result.pixels[0], [0, 0, 255]) && near(result.pixels[1], [255, 0, 0])).toBe(true);
    });
    await test.step('CMYK JPEG (Adobe, 4 channels): red, green, blue and white quadrants', async () => {
      const result = await decodeInPage(page, 'cmyk.jpg', readFileSync(join(FIXTURES, 'cmyk.jpg')), [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]) as Decoded;
      expect([result.width, result.height]).toEqual([48, 32]);
      const expected: [number, number, number][] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]];
      expected.forEach((rgb, i) => expect(near(result.pixels[i], rgb, 60), `quadrant ${i}: ${result.pixels[i]}`).toBe(true));
    });
    await test.step('grayscale: a 1-channel JPEG (dark top, light bottom) and a gray PNG', async () => {
      const jpg = await decodeInPage(page, 'gray.jpg', readFileSync(join(FIXTURES, 'gray.jpg')), [[0.5, 0.05], [0.5, 0.95]]) as Decoded;
      expect(jpg.pixels[0][0]).toBeLessThan(40);
      expect(jpg.pixels[1][0]).toBeGreaterThan(215);
      for (const p of jpg.pixels) expect(p[0] === p[1] && p[1] === p[2]).toBe(true);
      const gray = pngFile({ width: 10, height: 10, colorType: 0, row: () => new Uint8Array(10).fill(128) });
      expect((await decodeInPage(page, 'gray.png', gray, [[0.5, 0.5]]) as Decoded).pixels[0]).toEqual([128, 128, 128, 255]);
    });
    await test.step('PNG with alpha: transparent pixels become white, opaque ones keep their colour', async () => {
      const rgba = pngFile({ width: 20, height: 10, colorType: 6, row: () => Uint8Array.from({ length: 80 }, (_, i) => (i < 40 ? [0, 0, 0, 0] : [0, 200, 0, 255])[i % 4]) });
      const result = await decodeInPage(page, 'alpha.png', rgba, [[0.1, 0.5], [0.9, 0.5]]) as Decoded;
      expect(result.pixels).toEqual([[255, 255, 255, 255], [0, 200, 0, 255]]);
    });
    await test.step('WebP with alpha (from the browser encoder) and a 24-bit BMP', async () => {
      const webp = Buffer.from(await page.evaluate(async () => {
        const canvas = new OffscreenCanvas(20, 10);
        const context = canvas.getContext('2d')!;
        context.fillStyle = '#00c800';
        context.fillRect(10, 0, 10, 10); // left half stays transparent
        const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/webp', quality: 1 })).arrayBuffer());
        let text = '';
        for (const b of bytes) text += String.fromCharCode(b);
        return btoa(text);
      }), 'base64');
      expect(webp.subarray(8, 12).toString('latin1')).toBe('WEBP');
      const result = await decodeInPage(page, 'alpha.webp', webp, [[0.1, 0.5], [0.9, 0.5]]) as Decoded;
      expect(near(result.pixels[0], [255, 255, 255], 8) && near(result.pixels[1], [0, 200, 0], 8)).toBe(true);
      const bmp = await decodeInPage(page, 'teal.bmp', bmpFile(5, 3, [0, 128, 128]), [[0.5, 0.5]]) as Decoded;
      expect(bmp).toMatchObject({ width: 5, height: 3, pixels: [[0, 128, 128, 255]] });
    });
    await test.step('1 x 1', async () => {
      const one = pngFile({ width: 1, height: 1, colorType: 2, row: () => Uint8Array.of(10, 20, 30) });
      const result = await decodeInPage(page, 'one.png', one, [[0, 0]]) as Decoded;
      expect(result).toMatchObject({ width: 1, height: 1, bitmapWidth: 1, bitmapHeight: 1, pixels: [[10, 20, 30, 255]] });
    });
    await test.step('12000 x 12000 is shrunk to 4096 x 4096 in the decoder; the original size is kept', async () => {
      const result = await decodeInPage(page, 'huge.png', hugePng(), [[0.375, 0.375], [0.1, 0.1]]) as Decoded;
      expect([result.width, result.height, result.bitmapWidth, result.bitmapHeight]).toEqual([12000, 12000, 4096, 4096]);
      expect(near(result.pixels[0], [220, 30, 30]) && near(result.pixels[1], [255, 255, 255])).toBe(true);
    });
  });
});

test.describe('when the library is given a bad or huge image', () => {
  test('detect() inputs: a bad blob is a DetectorError "image"; a huge canvas is shrunk and results map back', async ({ page }) => {
    await page.goto('/e2e/harness/index.html?backend=cpu');
    await page.evaluate(() => window.harness.ready);
    const result = await page.evaluate(async (bad) => {
      const api = await window.harness.load('/src/api/image_input.ts') as typeof ApiImageInput;
      const { scaleResultToImage } = await window.harness.load('/src/model/scale_result.ts') as typeof ScaleResult;
      const failure = await api.decodeImage(new File([Uint8Array.from(atob(bad), (c) => c.charCodeAt(0))], 'cut.png')).then(() => null, (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));
      const canvas = new OffscreenCanvas(12000, 6000);
      canvas.getContext('2d')!.fillRect(3000, 1500, 3000, 1500);
      const decoded = await api.decodeImage(canvas);
      const sizes = [decoded.width, decoded.height, decoded.bitmap.width, decoded.bitmap.height, decoded.owned];
      decoded.bitmap.close();
      const box = [1000, 500, 2048, 1024] as const;
      const found = {
        imageWidth: 4096, imageHeight: 2048, classNames: ['cell'], proposals: [box], scoreThreshold: 0.5, nmsIouThreshold: 0.3, backend: 'cpu',
        detections: [{ box, proposalIndex: 0, score: 0.9, classId: 1, className: 'cell', boxBeforeRegression: box, classProbabilities: [0.1, 0.9] }],
        candidatesPerClass: [], timesMs: { preprocess: 0, backbone: 0, roiPool: 0, fc: 0, nms: 0, total: 0 }, objects: [],
      };
      // what the pipeline (detect_pipeline.ts) does with a result found on the shrunk bitmap: back to the kept size
      const mapped = scaleResultToImage(found, decoded);
      return { failure, sizes, object: mapped.detections[0].box };
    }, truncated(pngFile({ width: 30, height: 30, colorType: 0, row: () => new Uint8Array(30) })).toString('base64'));
    expect(result.failure).toEqual({ code: 'image', message: expect.stringContaining('“cut.png” could not be read as an image: the PNG file is truncated') });
    expect(result.sizes).toEqual([12000, 6000, 4096, 2048, true]);
    const f = 12000 / 4096;
    expect(result.object).toEqual([1000 * f, 500 * f, 2048 * f, 1024 * f]);
  });
});

test.describe('when the user drops images on the Detect tab', () => {
  test('each bad file is refused with its reason, and the app stays usable', async ({ page, stage, api }) => {
    await page.goto('/?model=none');
    await api.ready();
    const jpeg = await redBlueJpeg(page);
    await stage.dropFiles([{ name: 'good.jpg', mimeType: 'image/jpeg', buffer: jpeg }]);
    await expect.poll(async () => (await api.detect()).image?.name).toBe('good.jpg');
    const bad: [string, string, Buffer, string][] = [
      ['cut.jpg', 'image/jpeg', truncated(jpeg), 'the JPEG file is truncated'],
      ['notes.png', 'image/png', Buffer.from('not a picture\n'), 'is not an image (it looks like a text file)'],
      ['zero.png', 'image/png', zeroSizePng(), 'is 0 x 0 pixels'],
      ['empty.jpg', 'image/jpeg', Buffer.alloc(0), 'is empty (0 bytes)'],
      // refused from its header, before the browser would try to hold 1.6 GB of pixels
      ['scan.png', 'image/png', pngClaimingSize(20000, 20000), 'is too large to decode: 20000 x 20000 (400 megapixels), the limit is 268 megapixels (16384 x 16384)'],
    ];
    for (const [name, mimeType, buffer, reason] of bad) {
      await test.step(name, async () => {
        await stage.dropFiles([{ name, mimeType, buffer }]);
        await expect(stage.status).toContainText(`“${name}” `);
        await expect(stage.status).toContainText(reason);
        await expect(stage.status).toContainText('The current image stays.');
        expect((await api.detect()).image).toEqual({ name: 'good.jpg', width: 200, height: 100 });
      });
    }
    await test.step('a good file after them opens as usual', async () => {
      const one = pngFile({ width: 1, height: 1, colorType: 2, row: () => Uint8Array.of(10, 20, 30) });
      await stage.dropFiles([{ name: 'one.png', mimeType: 'image/png', buffer: one }]);
      await expect(stage.status).toContainText('Opened “one.png” (1 × 1)');
    });
  });

  test('an EXIF-rotated JPEG is shown upright and boxes land on the upright pixels', async ({ page, stage, api }) => {
    await page.goto('/?model=none');
    await api.ready();
    const rotated = withExifOrientation(await redBlueJpeg(page), 6); // stored 200 x 100 red|blue; upright 100 x 200, red over blue
    await stage.dropFiles([{ name: 'rotated.jpg', mimeType: 'image/jpeg', buffer: rotated }]);
    await expect(stage.status).toContainText('Opened “rotated.jpg” (100 × 200)');
    const imagePixel = (x: number, y: number) => stagePixel(page, x, y);
    await expect.poll(async () => near(await imagePixel(50, 40), [255, 0, 0])).toBe(true);
    expect(near(await imagePixel(50, 160), [0, 0, 255])).toBe(true);
    await test.step('a box over the lower (blue) half is drawn there', async () => {
      const box = [20, 120, 80, 180] as const;
      await api.showDetectionResult({
        imageWidth: 100, imageHeight: 200, classNames: ['WBC'], proposals: [box],
        detections: [{ box, proposalIndex: 0, score: 0.9, classId: 1, className: 'WBC', boxBeforeRegression: box, classProbabilities: [0.1, 0.9] }],
        candidatesPerClass: [{ classId: 1, className: 'WBC', candidates: [{ box, proposalIndex: 0, score: 0.9 }], keptIndices: [0] }],
        scoreThreshold: 0.5, nmsIouThreshold: 0.3, backend: 'cpu', timesMs: { preprocess: 0, backbone: 0, roiPool: 0, fc: 0, nms: 0, total: 0 },
      });
      const edge = await api.overlayPixels(20, 150, 2);
      expect(edge.some((p) => p[3] > 200)).toBe(true);
      expect(near(await imagePixel(21, 150), [0, 0, 255])).toBe(true);
    });
  });

  test('a 12000 x 12000 image is shrunk, detected, and its boxes are in the original pixels', async ({ page, stage, detectPanel, api }) => {
    await page.goto('/?backend=wasm');
    await api.ready();
    await expect(detectPanel.model).toContainText('bccd');
    await detectPanel.layer('proposals').check();
    await stage.dropFiles([{ name: 'huge.png', mimeType: 'image/png', buffer: hugePng() }]);
    await expect(stage.status).toContainText('Opened “huge.png” (12000 × 12000). It is shown and detected at 4096 × 4096');
    await expect.poll(async () => (await api.detect()).run, { timeout: 60_000 }).toBe('done');
    const boxes = (await api.scene()).filter((o) => o.kind === 'proposal').map((o) => o.box);
    expect(boxes.length).toBeGreaterThan(0);
    const maxCoordinate = Math.max(...boxes.flat());
    expect(maxCoordinate).toBeGreaterThan(4096); // in the original's pixels, not the 4096-px bitmap's
    expect(maxCoordinate).toBeLessThanOrEqual(12000);
    // selective search finds the red square: some proposal hugs (3000..6000)² within 5% of its side
    expect(boxes.some((b) => [3000, 3000, 6000, 6000].every((v, i) => Math.abs(b[i] - v) < 150))).toBe(true);
    // and the shrunk bitmap is drawn over the original's frame: that square is red on screen, around it white
    expect(near(await stagePixel(page, 4500, 4500), [220, 30, 30])).toBe(true);
    expect(near(await stagePixel(page, 2700, 4500), [255, 255, 255]) && near(await stagePixel(page, 6300, 4500), [255, 255, 255])).toBe(true);
  });
});

test.describe('when the user imports a dataset with bad and rotated images', () => {
  const voc = (file: string, width: number, height: number, boxes: number[][]) => Buffer.from(
    `<annotation><filename>${file}</filename><size><width>${width}</width><height>${height}</height><depth>3</depth></size>` +
    boxes.map(([x1, y1, x2, y2]) => `<object><name>cell</name><difficult>0</difficult><bndbox><xmin>${x1}</xmin><ymin>${y1}</ymin><xmax>${x2}</xmax><ymax>${y2}</ymax></bndbox></object>`).join('') +
    '</annotation>');

  test('a truncated image is rejected in the report with its boxes; a photo annotated unrotated gets its boxes turned', async ({ page, api, annotatePanel }) => {
    await page.goto('/?model=none');
    await api.ready();
    await annotatePanel.open();
    const jpeg = await redBlueJpeg(page);
    const file = (name: string, mimeType: string, buffer: Buffer) => ({ name, mimeType, buffer });
    await annotatePanel.importInput.setInputFiles([
      file('good.jpg', 'image/jpeg', jpeg), file('good.xml', 'text/xml', voc('good.jpg', 200, 100, [[11, 11, 50, 50]])),
      file('cut.jpg', 'image/jpeg', truncated(jpeg)), file('cut.xml', 'text/xml', voc('cut.jpg', 200, 100, [[11, 11, 50, 50], [101, 11, 150, 50]])),
      // annotated as LabelImg does, on the stored 200 x 100 pixels; the photo is shown turned 90° clockwise
      file('rotated.jpg', 'image/jpeg', withExifOrientation(jpeg, 6)), file('rotated.xml', 'text/xml', voc('rotated.jpg', 200, 100, [[21, 11, 60, 40]])),
    ]);
    await expect.poll(async () => (await api.annotate()).images.map((i) => `${i.name} ${i.width}x${i.height} ${i.boxes}`).sort())
      .toEqual(['good.jpg 200x100 1', 'rotated.jpg 100x200 1']);
    const status = page.getByTestId('status');
    await expect(status).toContainText('1 file rejected');
    // the import report (Annotate panel) names the file, why, and the boxes that went with it
    const cut = page.locator('[data-testid="annotate.report-row"][data-file="cut.jpg"]');
    await expect(cut).toHaveAttribute('data-outcome', 'rejected');
    await expect(cut).toContainText('“cut.jpg” could not be read as an image: the JPEG file is truncated');
    await expect(cut).toContainText('The image and its 2 boxes were not imported.');
    await annotatePanel.image('rotated.jpg').click();
    await expect.poll(async () => (await api.annotate()).boxes.map((b) => b.box)).toEqual([[60, 20, 90, 60]]);
  });
});

