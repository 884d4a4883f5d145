// An attachment's type comes from its first bytes (magic numbers), never from the name or the
// declared Content-Type: an HTML or SVG file named .png is no image.
import { describe, expect, it } from 'vitest';
import { cleanAttachmentName, sniffImageType } from './attachment.rules.ts';

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
});
