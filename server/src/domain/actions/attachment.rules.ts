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

/** A file name fit to show and to put in a Content-Disposition header: no path, no control or quote characters, at most 120 characters. */
export function cleanAttachmentName(raw: string | undefined, type: AttachmentType): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex -- control characters are what it removes
    .replace(/[\u0000-\u001f\u007f-\u009f"\\;]+/g, '')
    .trim()
    .slice(0, 120);
  return cleaned || `photo.${EXTENSION[type]}`;
}
