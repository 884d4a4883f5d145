// An attachment's type comes from its first bytes (magic numbers), never from the name or the
// declared Content-Type: an HTML or SVG file named .png is no image.
import { describe, expect, it } from 'vitest';
import { cleanAttachmentName, imageSizeProblem, sniffImageType } from './attachment.rules.ts';

const bytes = (hex: string, tail = '') => new Uint8Array([...Buffer.from(hex, 'hex'), ...Buffer.from(tail)]);

describe('attachment type by magic bytes', () => {
  it.each([
    ['89504e470d0a1a0a', 'image/png'],
    ['ffd8ffe0', 'image/jpeg'],
    ['52494646' + '24000000' + '57454250', 'image/webp'],
    ['474946383961', 'image/gif'],
  ])('%s is %s', (hex, type) => {
    expect(sniffImageType(bytes(hex, 'rest'))).toBe(type);
  });

  it('refuses what only looks like an image by name or by a truncated signature', () => {
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'))).toBeNull();
    expect(sniffImageType(Buffer.from('<!doctype html>'))).toBeNull();
    expect(sniffImageType(bytes('89504e47'))).toBeNull();
    expect(sniffImageType(bytes('52494646' + '24000000' + '41564920'))).toBeNull(); // RIFF but AVI
    expect(sniffImageType(new Uint8Array())).toBeNull();
  });

  it('names: no path, no quotes or control characters; a default when nothing is left', () => {
    expect(cleanAttachmentName('C:\\Users\\li\\clamp.jpg', 'image/jpeg')).toBe('clamp.jpg');
    expect(cleanAttachmentName('a"b;\r\nc.png', 'image/png')).toBe('abc.png');
    expect(cleanAttachmentName('../', 'image/webp')).toBe('photo.webp');
  });

  it("names end in their type's extension: a PNG that is also HTML, saved from the browser, must not open as a page", () => {
    expect(cleanAttachmentName('evil.html', 'image/png')).toBe('evil.html.png');
    expect(cleanAttachmentName('drawing.svg', 'image/gif')).toBe('drawing.svg.gif');
    expect(cleanAttachmentName('clamp.JPEG', 'image/jpeg')).toBe('clamp.JPEG');
    expect(cleanAttachmentName('clamp.jpg', 'image/jpeg')).toBe('clamp.jpg');
    expect(cleanAttachmentName('leak', 'image/webp')).toBe('leak.webp');
  });
});

/** Headers only: what the size check reads; the pixels are never decoded on the server. */
const png = (w: number, h: number) =>
  bytes('89504e470d0a1a0a0000000d49484452' + w.toString(16).padStart(8, '0') + h.toString(16).padStart(8, '0') + '0806000000');
const gif = (w: number, h: number) => bytes('474946383961' + Buffer.from(new Uint16Array([w, h]).buffer).toString('hex') + 'f70000');
const jpeg = (w: number, h: number) =>
  bytes(
    'ffd8' + 'ffe000104a46494600010100000100010000' + 'ffc0001108' + h.toString(16).padStart(4, '0') + w.toString(16).padStart(4, '0') + '03012200021101031101',
  );
const webp = (chunk: string, body: string) => bytes('52494646' + '00000000' + '57454250' + Buffer.from(chunk).toString('hex') + '00000000' + body);

describe("image size read from the header (a few kilobytes that decode to gigabytes in every viewer's browser)", () => {
  it.each([
    ['PNG', png(4032, 3024)],
    ['GIF', gif(640, 480)],
    ['JPEG', jpeg(4000, 3000)],
    ['WebP lossy', webp('VP8 ', '000000' + '9d012a' + 'a00f' + 'b80b')],
    ['WebP lossless', webp('VP8L', '2f' + 'ff0f00f0')],
    ['WebP extended', webp('VP8X', '00000000' + 'bf0f00' + '2f0b00')],
  ])('a camera-sized %s passes', (_type, image) => {
    expect(imageSizeProblem(image, sniffImageType(image)!)).toBeNull();
  });

  it.each([
    ['PNG 60000 x 60000', png(60_000, 60_000)],
    ['PNG 0 high', png(1000, 0)],
    ['GIF 65535 x 65535', gif(65_535, 65_535)],
    ['JPEG 65000 x 65000', jpeg(65_000, 65_000)],
    ['WebP extended 20000 x 20000', webp('VP8X', '00000000' + '1f4e00' + '1f4e00')],
  ])('%s is refused with its size', (_what, image) => {
    expect(imageSizeProblem(image, sniffImageType(image)!)).toMatch(/pixels|size/);
  });

  it('a header cut short (no size to read) is refused', () => {
    expect(imageSizeProblem(bytes('89504e470d0a1a0a0000000d'), 'image/png')).toMatch(/size/);
    expect(imageSizeProblem(bytes('ffd8ffe000104a464946'), 'image/jpeg')).toMatch(/size/);
  });
});
