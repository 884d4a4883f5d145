/** What an attachment is, judged by its first bytes: a client's declared type is not trusted. */
import type { AttachmentType } from '../../../../contract/index.ts';

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0): boolean => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** The image type of `bytes`, or null when they are no PNG, JPEG, WebP or GIF. */
export function sniffImageType(bytes: Uint8Array): AttachmentType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  return null;
}

export const EXTENSION: Readonly<Record<AttachmentType, string>> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif' };

/** A name already ending in one of these keeps it; any other gets its type's extension appended. */
const NAME_ENDINGS: Readonly<Record<AttachmentType, RegExp>> = {
  'image/png': /\.png$/i,
  'image/jpeg': /\.jpe?g$/i,
  'image/webp': /\.webp$/i,
  'image/gif': /\.gif$/i,
};

/**
 * The most pixels a photo may have: a 5 MB file can declare 60000 x 60000 pixels (14 GB decoded)
 * and hang the browser of everyone who opens the action; phones' photos are 12-50 megapixels.
 */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** Width and height from the image's header, or null when the header is cut short. */
function imageSize(b: Uint8Array, type: AttachmentType): { width: number; height: number } | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const has = (end: number) => b.length >= end;
  switch (type) {
    case 'image/png':
      return has(24) ? { width: view.getUint32(16), height: view.getUint32(20) } : null;
    case 'image/gif':
      return has(10) ? { width: view.getUint16(6, true), height: view.getUint16(8, true) } : null;
    case 'image/webp': {
      const chunk = String.fromCharCode(...b.subarray(12, 16));
      if (chunk === 'VP8 ' && has(30)) return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
      if (chunk === 'VP8L' && has(25)) {
        const bits = view.getUint32(21, true);
        return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
      }
      const u24 = (at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
      if (chunk === 'VP8X' && has(30)) return { width: u24(24) + 1, height: u24(27) + 1 };
      return null;
    }
    case 'image/jpeg': {
      // Markers from the start to the first frame header (SOF0..SOF15 but DHT, JPG and DAC).
      let at = 2;
      while (has(at + 4) && b[at] === 0xff) {
        const marker = b[at + 1]!;
        if (marker === 0xff) {
          at += 1;
          continue;
        }
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
          return has(at + 9) ? { width: view.getUint16(at + 7), height: view.getUint16(at + 5) } : null;
        if ((marker >= 0xd0 && marker <= 0xd9) || marker === 0x01) {
          at += 2;
          continue;
        }
        at += 2 + view.getUint16(at + 2);
      }
      return null;
    }
  }
}

/** Why the image's declared size is refused, or null when it is fit to show. */
export function imageSizeProblem(bytes: Uint8Array, type: AttachmentType): string | null {
  const size = imageSize(bytes, type);
  if (size === null) return "the image's size could not be read from its header";
  if (size.width === 0 || size.height === 0) return `the image's size is ${size.width} x ${size.height} pixels`;
  if (size.width * size.height > MAX_IMAGE_PIXELS)
    return `the image is ${size.width} x ${size.height} pixels; at most ${MAX_IMAGE_PIXELS / 1_000_000} megapixels are accepted`;
  return null;
}

/**
 * A file name fit to show and to put in a Content-Disposition header: no path, no control or quote
 * characters, at most 120 characters, ending in its type's extension (a PNG that is also HTML,
 * saved as `x.html` and opened, would run as a page).
 */
export function cleanAttachmentName(raw: string | undefined, type: AttachmentType): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex -- control characters are what it removes
    .replace(/[\u0000-\u001f\u007f-\u009f"\\;]+/g, '')
    .trim()
    .slice(0, 120);
  if (!cleaned) return `photo.${EXTENSION[type]}`;
  return NAME_ENDINGS[type].test(cleaned) ? cleaned : `${cleaned}.${EXTENSION[type]}`;
}
